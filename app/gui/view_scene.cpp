// Scene panel (every edit becomes one SetScene, so it can be undone): the shared keys, then the
// current variant's own parameters; and the preset list.
#include <fmt/format.h>

#include <algorithm>

#include "app/gui/scene_param_widgets.hpp"
#include "app/gui/view_context.hpp"
#include "core/variant.hpp"

namespace attnscope {

namespace {

// An integer field that edits the scene when the user presses Enter or a +/- button, not on
// every keystroke (typing 1024 must not analyse N = 1, 10 and 102 first).
bool edit_int(const char* label, int& value, int step = 1) {
  return ImGui::InputInt(label, &value, step, step * 4, ImGuiInputTextFlags_EnterReturnsTrue);
}

}  // namespace

void view_scene(ViewContext& ctx) {
  const AppState& state = ctx.state;
  Scene scene = state.scene;
  bool changed = false;
  const Variant* current = variant_find(scene.variant);
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  if (ImGui::BeginCombo("variant", scene.variant.c_str())) {
    for (const Variant* v : variant_all()) {
      if (ImGui::Selectable(v->info().name.c_str(), v == current) && v != current) {
        scene = scene_with_variant(scene, v->info().name);
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", v->info().description.c_str());
    }
    ImGui::EndCombo();
  }
  if (current) {
    ImGui::PushTextWrapPos(0.f);
    ImGui::TextDisabled("%s", current->info().description.c_str());
    ImGui::PopTextWrapPos();
  }
  // G and the shift only for variants that declare them: the others ignore both.
  const auto uses = [&](const std::string& key) {
    return !current || std::count(current->info().uses.begin(), current->info().uses.end(), key) > 0;
  };
  changed |= edit_int("N tokens", scene.n, scene.n >= 64 ? scene.n / 2 : 4);
  if (uses("g")) changed |= edit_int("G group", scene.g, 2);
  changed |= edit_int("H heads", scene.heads, 2);
  changed |= edit_int("D dim", scene.d);
  changed |= edit_int("B batch", scene.batch);
  bool default_shift = !scene.shift.has_value();
  if (uses("shift") && ImGui::Checkbox("shift -G/2", &default_shift)) {
    scene.shift = default_shift ? std::nullopt : std::optional<int>(scene.effective_shift());
    changed = true;
  }
  if (uses("shift") && scene.shift) {
    int shift = *scene.shift;
    if (edit_int("shift", shift)) scene.shift = shift, changed = true;
  }
  char policy[96];
  fmt::format_to_n(policy, sizeof policy - 1, "{}", scene.policy).out[0] = '\0';
  if (ImGui::InputText("policy", policy, sizeof policy, ImGuiInputTextFlags_EnterReturnsTrue))
    scene.policy = policy, changed = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("causal, bidirectional, prefix:P or documents:a,b,c (Enter applies)");
  int seed = static_cast<int>(scene.seed);
  if (edit_int("seed", seed) && seed >= 0) scene.seed = static_cast<uint64_t>(seed), changed = true;
  // The variant's own parameters, as its description declares them. `current` is the variant
  // before a switch in the combo above: a switch applies first, the new fields show next frame.
  if (current && !current->info().params.empty() && scene.variant == current->info().name) {
    ImGui::Separator();
    ImGui::TextDisabled("%s parameters", current->info().name.c_str());
    changed |= scene_param_widgets(*current, scene, ctx.report);
  }
  ImGui::PopItemWidth();
  if (changed) ctx.queue.push(action::SetScene{scene});
  if (!state.error.empty()) {
    ImGui::PushTextWrapPos(0.f);
    ImGui::TextColored(ImColor(to_imu32(ctx.theme().leak)), "%s", state.error.c_str());
    ImGui::TextDisabled("(showing the last scene that worked)");
    ImGui::PopTextWrapPos();
  }
  for (const AnalysisJob& job : state.jobs) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - job.started).count();
    const char* spinner = "|/-\\";
    ImGui::Text("%c analysing N = %d ... %.1f s", spinner[static_cast<int>(seconds * 8) % 4], job.n, seconds);
  }
}

void view_presets(ViewContext& ctx) {
  const auto& presets = ctx.state.presets;
  for (size_t i = 0; i < presets.size(); ++i) {
    const Preset& p = presets[i];
    const bool current = p.error.empty() && p.scene == ctx.state.scene;
    const std::string label = i < 9 ? fmt::format("{}  {}", i + 1, p.name) : fmt::format("    {}", p.name);
    if (!p.error.empty()) {
      ImGui::TextDisabled("%s (invalid)", label.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.error.c_str());
      continue;
    }
    if (ImGui::Selectable(label.c_str(), current)) ctx.queue.push(action::LoadPreset{static_cast<int>(i)});
    if (ImGui::IsItemHovered() && !p.scene.caption.empty()) ImGui::SetTooltip("%s", p.scene.caption.c_str());
  }
}

}  // namespace attnscope
