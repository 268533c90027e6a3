// apply(): every action's effect on the state, dispatched by its type. The scene, its analysis,
// the step cursor and the view change here; the background jobs (apply_jobs.cpp) and the files
// (apply_files.cpp) have files of their own.
#include "app/gui/apply.hpp"

#include <algorithm>
#include <cmath>

#include "app/gui/apply_parts.hpp"
#include "app/gui/work_timer.hpp"
#include "core/presentation/compare.hpp"

namespace attnscope {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

int step_count(const AppState& state) {
  return state.analysis ? static_cast<int>(state.analysis->trace().steps.size()) : 0;
}

void step_to(AppState& state, int step, bool animate) {
  const int count = step_count(state);
  // Before the first analysis arrives (a large scene analyses on a worker) the step is kept as
  // asked; install() clamps it to the trace.
  if (count == 0) {
    state.play.step = state.play.from = std::max(step, 0);
    return;
  }
  step = std::clamp(step, 0, count - 1);
  if (step == state.play.step && state.play.t >= 1.f) return;
  state.play.from = animate ? state.play.step : step;
  state.play.step = step;
  state.play.t = animate ? 0.f : 1.f;
  state.play.hold = 0.f;
}

bool cell_fits(const std::optional<Cell>& cell, const Analysis& a) {
  return cell && cell->head >= 0 && cell->q >= 0 && cell->k >= 0 && cell->head < a.heads() &&
         cell->q < a.n() && cell->k < a.n();
}

// Views index heatmaps with these cells: one outside the scene means nothing is focused.
std::optional<Cell> cell_inside(const std::optional<Cell>& cell, const AppState& state) {
  return state.analysis && cell_fits(cell, *state.analysis) ? cell : std::nullopt;
}

// The matrix point under `anchor` (fractions of the view) stays under it.
void set_zoom(ViewOptions& view, float zoom, float max_zoom, ImVec2Fraction anchor) {
  const float mx = view.pan_x + anchor.x / view.zoom, my = view.pan_y + anchor.y / view.zoom;
  view.zoom = std::clamp(zoom, 1.f, std::max(1.f, max_zoom));
  const float limit = 1.f - 1.f / view.zoom;
  view.pan_x = std::clamp(mx - anchor.x / view.zoom, 0.f, limit);
  view.pan_y = std::clamp(my - anchor.y / view.zoom, 0.f, limit);
}

}  // namespace

namespace apply_parts {

std::shared_ptr<const AnalysisDerived> derived_of(const AppState& state, const Analysis* analysis) {
  for (const auto& [of, derived] : state.derived)
    if (of.get() == analysis) return derived;
  return nullptr;
}

void derived_store(AppState& state, std::shared_ptr<const Analysis> analysis, std::shared_ptr<const AnalysisDerived> derived) {
  std::erase_if(state.derived, [&](const auto& d) { return d.first == analysis; });
  state.derived.insert(state.derived.begin(), {std::move(analysis), std::move(derived)});
  if (state.derived.size() > AnalysisCache::kCapacity) state.derived.resize(AnalysisCache::kCapacity);
}

namespace {

// What install() does once the scales and texts are there: pointers swapped, the view kept.
void install_found(AppState& state, std::shared_ptr<const Analysis> analysis, std::shared_ptr<const AnalysisDerived> derived) {
  const WorkTimer timer("analysis installed");
  // Keep the learner on the same step name when an edit keeps the trace's shape (e.g. N changes).
  std::string step_name;
  if (const Step* step = state.current_step()) step_name = step->name;
  state.analysis = std::move(analysis);
  derived_store(state, state.analysis, derived);
  state.weight_scale = derived->weight_scale;
  state.score_scale = derived->score_scale;
  state.lesson = derived->lesson;
  state.cost_error.clear();
  state.step_texts = derived->step_texts;
  state.error.clear();
  state.error_fields.clear();
  const int found = state.analysis->trace().find(step_name);
  const int step = found >= 0 ? found : std::min(state.play.step, step_count(state) - 1);
  state.play.step = state.play.from = std::max(step, 0);
  state.play.t = 1.f;
  if (!cell_fits(state.hover, *state.analysis)) state.hover.reset();
  if (!cell_fits(state.pinned, *state.analysis)) state.pinned.reset();
  if (!cell_fits(state.play.watch, *state.analysis)) state.play.watch.reset();
  // A smaller scene allows less zoom; the pan must stay inside the matrix it now shows.
  state.view.zoom = std::min(state.view.zoom, std::max(1.f, state.analysis->n() / 4.f));
  const float pan_limit = 1.f - 1.f / state.view.zoom;
  state.view.pan_x = std::min(state.view.pan_x, pan_limit);
  state.view.pan_y = std::min(state.view.pan_y, pan_limit);
  weights_prune(state);
}

}  // namespace

void install(AppState& state, std::shared_ptr<const Analysis> analysis, std::shared_ptr<const AnalysisDerived> derived) {
  if (!derived) derived = derived_of(state, analysis.get());
  if (!derived) {
    // A small scene analysed in the frame (a millisecond), or a large one whose texts have left
    // the store since its job found them.
    const WorkTimer timer("scales and step texts built in the frame");
    derived = std::make_shared<const AnalysisDerived>(analysis_derived(*analysis, false));
  }
  install_found(state, std::move(analysis), std::move(derived));
  // The cost table is found while the cost panel is open, as opening it does.
  cost_request(state);
}

void remember_for_undo(AppState& state) {
  state.history.undo.push_back(state.scene);
  if (state.history.undo.size() > History::kLimit) state.history.undo.erase(state.history.undo.begin());
  state.history.redo.clear();
}

}  // namespace apply_parts

using namespace apply_parts;

namespace {

void request_compare(AppState& state) {
  state.compare_errors.assign(state.view.compare_variants.size(), {});
  if (!state.view.compare) return;
  for (size_t i = 0; i < state.view.compare_variants.size(); ++i)
    if (state.view.compare_variants[i] != state.scene.variant)  // that one is the current analysis
      state.compare_errors[i] =
          analysis_request(state, compare_scene(state.scene, state.view.compare_variants[i]), false);
}

void set_scene(AppState& state, Scene scene) {
  state.scene = std::move(scene);
  ++state.generation;
  state.error = gui_error_text(analysis_request(state, state.scene, true), state.error_fields);
  request_compare(state);
  weights_prune(state);
  stack_strip_request(state);
}

}  // namespace

void apply_parts::edit_scene(AppState& state, Scene scene) {
  if (scene == state.scene) return;
  remember_for_undo(state);
  set_scene(state, std::move(scene));
}

void apply(AppState& state, Action action) {
  const float max_zoom = state.analysis ? state.analysis->n() / 4.f : 1.f;
  std::visit(
      Overloaded{
          [&](const action::SetScene& a) { edit_scene(state, a.scene); },
          [&](const action::LoadPreset& a) {
            if (a.index < 0 || a.index >= static_cast<int>(state.presets.size())) return;
            const Preset& preset = state.presets[a.index];
            if (!preset.error.empty()) {
              state.error = preset.file + ": " + preset.error;
              return;
            }
            edit_scene(state, preset.scene);
          },
          [&](const action::StepTo& a) { step_to(state, a.step, a.animate); },
          [&](const action::StepNext&) { step_to(state, state.play.step + 1, true); },
          [&](const action::StepPrev&) { step_to(state, state.play.step - 1, true); },
          [&](const action::StepFirst&) { step_to(state, 0, true); },
          [&](const action::StepLast&) { step_to(state, step_count(state) - 1, true); },
          [&](const action::Play&) {
            if (state.play.step >= step_count(state) - 1) step_to(state, 0, false);
            state.play.playing = true;
            state.play.hold = 0.f;
          },
          [&](const action::Pause&) { state.play.playing = false; },
          [&](const action::TogglePlay&) {
            attnscope::apply(state, state.play.playing ? Action{action::Pause{}} : Action{action::Play{}});
          },
          // Non-finite values (a NaN from a widget or a script) would poison every later frame.
          [&](const action::SetSpeed& a) {
            if (std::isfinite(a.speed)) state.play.speed = std::clamp(a.speed, 0.25f, 4.f);
          },
          [&](const action::SetCompare& a) {
            // Compare and cost take the same place: opening one closes the other.
            state.view.compare = a.on;
            if (a.on) state.view.cost = state.view.lab = state.view.stack_reach = false;
            state.view.compare_variants =
                a.variants.empty() ? compare_variants(state.scene) : compare_distinct(a.variants);
            if (state.view.compare_variants.size() > kCompareMaxVariants)
              state.view.compare_variants.resize(kCompareMaxVariants);
            request_compare(state);
            weights_prune(state);
          },
          [&](const action::ToggleCompare&) {
            attnscope::apply(state, action::SetCompare{!state.view.compare, state.view.compare_variants});
          },
          [&](const action::ToggleCost&) {
            state.view.cost = !state.view.cost;
            if (state.view.cost) state.view.lab = state.view.stack_reach = false;
            if (state.view.cost && state.view.compare)
              attnscope::apply(state, action::SetCompare{false, state.view.compare_variants});
            cost_request(state);
          },
          [&](const action::CostReady& a) { cost_store(state, a); },
          [&](const action::SetCostPage& a) { state.view.cost_page = std::max(0, a.page); },
          [&](const action::SetLab& a) {
            // Compare, cost and the lab take the same place: opening one closes the others.
            state.view.lab = a.on;
            if (a.on) {
              state.view.cost = state.view.stack_reach = false;
              if (state.view.compare) attnscope::apply(state, action::SetCompare{false, state.view.compare_variants});
            }
          },
          [&](const action::ToggleLab&) { attnscope::apply(state, action::SetLab{!state.view.lab}); },
          [&](const action::SetLabSettings& a) { state.lab.settings = a.settings; },
          [&](const action::SetLabLayer& a) {
            const int layers = state.lab.result ? state.lab.result->layers : 1;
            state.lab.layer = std::clamp(a.layer, 0, layers - 1);
          },
          [&](const action::LabTrain&) { lab_train_start(state); },
          [&](const action::LabReady& a) { lab_ready(state, a); },
          [&](const action::OpenLabAttention&) { lab_attention_open(state); },
          [&](const action::SetStackLayer& a) { stack_layer_set(state, a.layer); },
          [&](const action::StackLayerNext&) { stack_layer_set(state, state.scene.layer.value_or(0) + 1); },
          [&](const action::StackLayerPrev&) { stack_layer_set(state, state.scene.layer.value_or(0) - 1); },
          [&](const action::ToggleStackReach&) {
            if (state.scene.stack.empty()) return;
            state.view.stack_reach = !state.view.stack_reach;
            // It takes the heatmaps' place, as compare, cost and the lab do.
            if (state.view.stack_reach) {
              state.view.cost = state.view.lab = false;
              if (state.view.compare) attnscope::apply(state, action::SetCompare{false, state.view.compare_variants});
            }
            stack_strip_request(state);
          },
          [&](const action::StackReady& a) { stack_ready(state, a); },
          [&](const action::SetCompareHead& a) { state.view.compare_head = a.head; },
          [&](const action::ToggleLeakMarks&) { state.view.leak_marks = !state.view.leak_marks; },
          [&](const action::SetColorBy& a) { state.view.color_by = a.by; },
          [&](const action::SetCoords& a) { state.view.coords = a.coords; },
          [&](const action::SetColormap& a) { state.view.colormap = a.name; },
          // The receptive field's image is built in the theme's colours: a new theme builds it again.
          [&](const action::SetClassroom& a) {
            state.view.classroom = a.on;
            stack_strip_request(state);
          },
          [&](const action::SetTheme& a) {
            // The two large-type themes are classroom mode's; the others the desk's.
            const bool classroom = a.theme == ThemeName::HighContrast || a.theme == ThemeName::Bright;
            (classroom ? state.view.classroom_theme : state.view.desk_theme) = a.theme;
            stack_strip_request(state);
          },
          [&](const action::OpenFile& a) { file_open(state, a.path); },
          [&](const action::SetTokenText& a) {
            state.token_text = a.text;
            state.token_text_widest = token_text_widest(a.text, AppState::kTokenLabelChars);
          },
          [&](const action::BrowseFolder& a) { browse_folder(state, a.folder); },
          [&](const action::BrowseFilter& a) { browse_filter(state, a.extension); },
          [&](const action::CloseBrowser&) { state.browser.open = false; },
          [&](const action::ClearRecent&) { state.recent = {}; },
          [&](const action::CancelJobs&) { jobs_cancel(state); },
          [&](const action::ToggleFullscreen&) { state.view.fullscreen = !state.view.fullscreen; },
          [&](const action::Zoom& a) {
            if (std::isfinite(a.factor) && a.factor > 0.f)
              set_zoom(state.view, state.view.zoom * a.factor, max_zoom, a.anchor.value_or(ImVec2Fraction{}));
          },
          [&](const action::Pan& a) {
            if (!std::isfinite(a.dx) || !std::isfinite(a.dy)) return;
            const float limit = 1.f - 1.f / state.view.zoom;
            state.view.pan_x = std::clamp(state.view.pan_x + a.dx, 0.f, limit);
            state.view.pan_y = std::clamp(state.view.pan_y + a.dy, 0.f, limit);
          },
          [&](const action::ZoomTo& a) {
            const int n = state.analysis ? state.analysis->n() : state.scene.n;
            if (n <= 0 || a.span <= 0) return;
            state.view.zoom = std::clamp(static_cast<float>(n) / a.span, 1.f, std::max(1.f, n / 4.f));
            const float limit = 1.f - 1.f / state.view.zoom;
            state.view.pan_x = std::clamp((a.k - a.span / 2.f) / n, 0.f, limit);
            state.view.pan_y = std::clamp((a.q - a.span / 2.f) / n, 0.f, limit);
          },
          [&](const action::ComputeZoomWeights& a) { zoom_weights_start(state, a.window); },
          [&](const action::ZoomWeightsReady& a) { zoom_weights_store(state, a); },
          [&](const action::ComputeHeatmapWeights& a) { heatmap_weights_start(state, a); },
          [&](const action::HeatmapWeightsReady& a) { heatmap_weights_store(state, a); },
          [&](const action::ComputeHeatmapImage& a) { heatmap_image_start(state, a); },
          [&](const action::HeatmapImageReady& a) { heatmap_image_store(state, a); },
          [&](const action::ComputeDiffImage& a) { diff_image_start(state, a); },
          [&](const action::DiffImageReady& a) { diff_image_store(state, a); },
          [&](const action::ComputeTokenBands& a) { token_bands_start(state, a); },
          [&](const action::TokenBandsReady& a) { token_bands_store(state, a); },
          [&](const action::ResetZoom&) {
            state.view.zoom = 1.f;
            state.view.pan_x = state.view.pan_y = 0.f;
          },
          [&](const action::Undo&) {
            if (state.history.undo.empty()) return;
            state.history.redo.push_back(state.scene);
            Scene scene = std::move(state.history.undo.back());
            state.history.undo.pop_back();
            set_scene(state, std::move(scene));
          },
          [&](const action::Redo&) {
            if (state.history.redo.empty()) return;
            state.history.undo.push_back(state.scene);
            Scene scene = std::move(state.history.redo.back());
            state.history.redo.pop_back();
            set_scene(state, std::move(scene));
          },
          [&](const action::SetHover& a) { state.hover = cell_inside(a.cell, state); },
          [&](const action::Pin& a) { state.pinned = cell_inside(a.cell, state); },
          [&](const action::SetBreakpoint& a) { state.play.breakpoint = a.step_name; },
          [&](const action::SetWatch& a) { state.play.watch = cell_inside(a.cell, state); },
          [&](const action::Export&) { export_start(state); },
          [&](const action::SetExportFolder& a) { state.export_folder = a.folder; },
          [&](const action::ShowToast& a) {
            // An error is read to the end and acted on: it stays until dismissed (Esc or its button).
            const auto now = std::chrono::steady_clock::now();
            state.toast = Toast{a.text, a.error, a.error ? std::chrono::steady_clock::time_point::max() : now + std::chrono::seconds(5)};
          },
          [&](const action::DismissToast&) { state.toast.reset(); },
          [&](const action::AnalysisReady& a) {
            if (a.analysis) state.cache.put(a.scene_hash, a.analysis);
            if (a.analysis && a.derived) derived_store(state, a.analysis, a.derived);
            if (!a.opened_module.empty()) {
              module_opened(state, a);
              return;
            }
            // A result for a scene the user has since left is stale: cached, never shown.
            if (a.generation != state.generation || a.scene_hash != scene_hash(state.scene)) return;
            if (a.analysis) install(state, a.analysis, a.derived);
            else state.error = gui_error_text(a.error, state.error_fields);
          },
      },
      action);
}

void apply_all(AppState& state, ActionQueue& queue) {
  // apply() may not enqueue, but move the list out first so a view's queue is reusable at once.
  std::vector<Action> actions = std::move(queue.actions);
  queue.actions.clear();
  for (const Action& a : actions) apply(state, a);
}

void tick(AppState& state, float dt) {
  if (state.toast && state.toast->seconds_left() <= 0.0) state.toast.reset();
  lab_points_sync(state);
  Playback& play = state.play;
  if (play.t < 1.f) {
    play.t = std::min(1.f, play.t + dt * play.speed / kAnimationSeconds);
    return;
  }
  if (!play.playing) return;
  play.hold += dt * play.speed;
  if (play.hold < kHoldSeconds) return;
  if (play.step + 1 >= step_count(state)) {
    play.playing = false;
    return;
  }
  step_to(state, play.step + 1, true);
  if (!play.breakpoint.empty() && state.current_step()->name == play.breakpoint) play.playing = false;
}

}  // namespace attnscope
