// A model stack in the GUI: the layer every view shows (an undoable scene change, as --layer
// picks it), and the layer strip and receptive field of the model, built now for a small scene
// and on a worker for a large one.
#include <algorithm>

#include "app/gui/apply_parts.hpp"
#include "app/gui/stack_strip.hpp"
#include "core/base/input_error.hpp"
#include "core/scene/stack.hpp"

namespace attnscope::apply_parts {

namespace {

// The receptive field the view needs: after the shown layer while it is on, none otherwise.
int reach_layer_wanted(const AppState& state) {
  return state.view.stack_reach ? state.scene.layer.value_or(0) : -1;
}

// Whether a strip (or a job's) with the field after `layer` in `theme`'s colours is what the view
// needs now; without the field on, a strip with none, in any theme.
bool field_wanted(const AppState& state, int layer, ThemeName theme) {
  const int want = reach_layer_wanted(state);
  return layer == want && (want < 0 || theme == state.view.theme());
}

}  // namespace

void stack_strip_request(AppState& state) {
  const uint64_t key = stack_strip_key(state.scene);
  if (key == 0) {  // no stack, or one the core refused (the scene's error says why)
    state.stack.reset();
    state.stack_error.clear();
    return;
  }
  if (state.stack && state.stack->key != key) state.stack.reset();
  const int want = reach_layer_wanted(state);
  const ThemeName theme = state.view.theme();
  if (state.stack && (want < 0 || field_wanted(state, state.stack->reach_layer, state.stack->reach_theme))) return;
  for (const Job& job : state.jobs) {
    if (job.kind != JobKind::Stack) continue;
    if (job.stack_key == key && field_wanted(state, job.reach_layer, job.theme)) return;
    job.control->cancel = true;  // a field no longer shown, or another model's
  }
  state.stack_error.clear();
  if (state.scene.n < state.async_min_n) {
    try {
      state.stack = std::make_shared<const StackStrip>(stack_strip_build(state.scene, state.stack.get(), want, theme));
    } catch (const std::exception& e) {
      state.stack_error = e.what();
    }
    return;
  }
  stack_strip_start(state, key, want, theme);
}

void stack_ready(AppState& state, const action::StackReady& ready) {
  if (ready.key != stack_strip_key(state.scene)) return;  // another model's
  if (!ready.strip) {
    if (field_wanted(state, ready.reach_layer, ready.theme)) state.stack_error = ready.error;
    return;
  }
  // A field of a layer left meanwhile still brings the model's layers, if there were none yet.
  if (!state.stack || field_wanted(state, ready.reach_layer, ready.theme)) state.stack = ready.strip;
  stack_strip_request(state);
}

void stack_layer_set(AppState& state, int layer) {
  if (state.scene.stack.empty()) return;
  const int layers = scene_stack(state.scene).layers;
  layer = std::clamp(layer, 0, layers - 1);
  if (layer == state.scene.layer.value_or(0)) return;
  try {
    edit_scene(state, stack_layer_scene(state.scene, layer));
  } catch (const InputError& e) {
    state.error = e.what();
  }
}

}  // namespace attnscope::apply_parts
