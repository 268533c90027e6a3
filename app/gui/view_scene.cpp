// Scene panel (every edit becomes one SetScene, so it can be undone): the shared keys, then the
// current variant's own parameters; and the preset list.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "app/gui/scene_param_widgets.hpp"
#include "app/gui/scene_source.hpp"
#include "app/gui/text_fit.hpp"
#include "app/gui/view_context.hpp"
#include "core/base/digits.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

// A typed value applies when the field loses focus (a click elsewhere, Tab) or on Enter, not on
// every keystroke: typing 1024 must not analyse N = 1, 10 and 102 first. While the field is
// active ImGui keeps the text; the parsed value waits in ImGui's per-window storage.
bool edit_typed_int(const char* label, int& value) {
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID id = ImGui::GetID(label);
  int typed = value;
  if (ImGui::InputInt(label, &typed, 0, 0)) storage->SetInt(id, typed);
  if (ImGui::IsItemActivated()) storage->SetInt(id, value);
  if (!ImGui::IsItemDeactivatedAfterEdit()) return false;
  const int applied = storage->GetInt(id, value);
  if (applied == value) return false;
  value = applied;
  return true;
}

// - and + buttons after the field; `next(value, direction)` gives the value a button moves to.
template <class Next>
bool step_buttons(const char* label, int& value, Next next) {
  bool changed = false;
  ImGui::PushID(label);
  ImGui::SameLine(0.f, ImGui::GetStyle().ItemInnerSpacing.x);
  if (ImGui::Button("-", {ImGui::GetFrameHeight(), ImGui::GetFrameHeight()})) value = next(value, -1), changed = true;
  ImGui::SameLine(0.f, ImGui::GetStyle().ItemInnerSpacing.x);
  if (ImGui::Button("+", {ImGui::GetFrameHeight(), ImGui::GetFrameHeight()})) value = next(value, +1), changed = true;
  ImGui::PopID();
  return changed;
}

// A field whose value the core refused is outlined in the leak colour until the scene is valid.
struct FieldMark {
  const ViewContext& ctx;
  bool on;
  FieldMark(const ViewContext& c, const char* key)
      : ctx(c), on(std::find(c.state.error_fields.begin(), c.state.error_fields.end(), key) != c.state.error_fields.end()) {
    if (!on) return;
    ImGui::PushStyleColor(ImGuiCol_Border, ImColor(to_imu32(ctx.theme().leak)).Value);
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 2.f);
  }
  ~FieldMark() {
    if (!on) return;
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
  }
};

void report_field(ViewContext& ctx, const char* key) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.report.fields.push_back({key, {a.x, a.y, b.x, b.y}});
}

bool edit_int(ViewContext& ctx, const char* key, const char* label, int& value, int step) {
  const FieldMark mark(ctx, key);
  bool changed = edit_typed_int(label, value);
  report_field(ctx, key);
  changed |= step_buttons(label, value, [step](int v, int dir) { return std::max(0, v + dir * step); });
  return changed;
}

// G's buttons move to the next group size the variant accepts with the other fields as they are
// (odd sizes where the variant takes them, divisors of N), not by a fixed stride.
int next_valid_g(const Scene& scene, int dir) {
  Scene probe = scene;
  for (int g = scene.g + dir; g >= 1 && g <= scene.n; g += dir) {
    probe.g = g;
    try {
      scene_validate(probe);
      return g;
    } catch (const SceneError&) {
    }
  }
  return std::max(1, scene.g + dir);
}

// Where the tokens' text comes from, whether it shows (one token per position), and the way back to
// token numbers alone.
void token_text_line(ViewContext& ctx, int n) {
  const TokenText& text = ctx.state.token_text;
  if (text.empty()) return;
  ImGui::TextUnformatted("token text from");
  const std::string name = std::filesystem::path(text.path).filename().string();
  ImGui::TextUnformatted(text_fit_name(name, ImGui::GetContentRegionAvail().x).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.path.c_str());
  if (static_cast<int>(text.tokens.size()) != n) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(fmt::format("not shown: it holds {} tokens and the scene has N = {}", digits_grouped(static_cast<int64_t>(text.tokens.size())), digits_grouped(n)));
    ImGui::PopStyleColor();
  }
  if (ImGui::Button("token numbers only")) ctx.queue.push(action::SetTokenText{});
}

}  // namespace

void view_scene(ViewContext& ctx) {
  const AppState& state = ctx.state;
  Scene scene = state.scene;
  bool changed = false;
  const Variant* current = variant_find(scene.variant);
  // Field, two buttons and the longest label ("N tokens") share the panel's width.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float buttons = 2.f * (ImGui::GetFrameHeight() + style.ItemInnerSpacing.x);
  ImGui::PushItemWidth(std::max(ImGui::GetFontSize() * 3.f, ImGui::GetContentRegionAvail().x - buttons -
                                                              ImGui::CalcTextSize("N tokens").x - style.ItemInnerSpacing.x));
  if (ImGui::BeginCombo("variant", scene.variant.c_str())) {
    for (const Variant* v : variant_all()) {
      if (ImGui::Selectable(v->info().name.c_str(), v == current) && v != current) {
        scene = scene_switched_to(scene, v->info().name);
        changed = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", v->info().description.c_str());
    }
    ImGui::EndCombo();
  }
  if (current) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(current->info().description);
    ImGui::PopStyleColor();
  }
  // G and the shift only for variants that declare them: the others ignore both.
  const auto uses = [&](const std::string& key) {
    return !current || std::count(current->info().uses.begin(), current->info().uses.end(), key) > 0;
  };
  changed |= edit_int(ctx, "n", "N tokens", scene.n, scene.n >= 64 ? scene.n / 2 : 4);
  if (uses("g")) {
    const FieldMark mark(ctx, "g");
    changed |= edit_typed_int("G group", scene.g);
    report_field(ctx, "g");
    changed |= step_buttons("G group", scene.g, [&](int, int dir) { return next_valid_g(scene, dir); });
  }
  changed |= edit_int(ctx, "heads", "H heads", scene.heads, 2);
  changed |= edit_int(ctx, "d", "D dim", scene.d, 1);
  changed |= edit_int(ctx, "batch", "B batch", scene.batch, 1);
  bool default_shift = !scene.shift.has_value();
  if (uses("shift") && ImGui::Checkbox("shift \u2212G/2", &default_shift)) {
    scene.shift = default_shift ? std::nullopt : std::optional<int>(scene.effective_shift());
    changed = true;
  }
  if (uses("shift") && scene.shift) {
    int shift = *scene.shift;
    if (edit_int(ctx, "shift", "shift", shift, 1)) scene.shift = shift, changed = true;
  }
  char policy[96];
  fmt::format_to_n(policy, sizeof policy - 1, "{}", scene.policy).out[0] = '\0';
  {
    const FieldMark mark(ctx, "policy");
    ImGui::InputText("policy", policy, sizeof policy);
    if (ImGui::IsItemDeactivatedAfterEdit() && scene.policy != policy) scene.policy = policy, changed = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("causal, bidirectional, prefix:P or documents:a,b,c");
  }
  if (scene.qkv.empty()) {
    int seed = static_cast<int>(scene.seed);
    if (edit_int(ctx, "seed", "seed", seed, 1) && seed >= 0) scene.seed = static_cast<uint64_t>(seed), changed = true;
  } else {
    // The user's q, k, v replace the generator (and its seed) until switched back.
    // The file's name on a line of its own, never wrapped inside (it would read as two names):
    // too wide, it loses its middle; the tooltip says it whole.
    ImGui::TextUnformatted("q, k, v from");
    ImGui::TextUnformatted(
        text_fit_name(std::filesystem::path(scene.qkv).filename().string(), ImGui::GetContentRegionAvail().x).c_str());
    if (ImGui::IsItemHovered()) {
      try {
        ImGui::SetTooltip("%s", qkv_file_open(scene)->description().c_str());
      } catch (const std::exception& e) {
        ImGui::SetTooltip("%s", e.what());
      }
    }
    if (ImGui::Button("use generated q, k, v")) {
      scene = qkv_file_drop(std::move(scene));
      changed = true;
    }
  }
  token_text_line(ctx, scene.n);
  // The variant's own parameters, as its description declares them. `current` is the variant
  // before a switch in the combo above: a switch applies first, the new fields show next frame.
  if (current && !current->info().params.empty() && scene.variant == current->info().name) {
    ImGui::Separator();
    ImGui::TextDisabled("%s parameters", current->info().name.c_str());
    changed |= scene_param_widgets(*current, scene, ctx.report);
  }
  ImGui::PopItemWidth();
  if (changed) ctx.queue.push(action::SetScene{scene});
}

namespace {

struct JobBar {
  float done = 0.f;
  std::string what;
  std::chrono::steady_clock::time_point started;
};

// Every running job as a bar; the weights of several heads share one.
std::vector<JobBar> job_bars(const std::vector<Job>& jobs) {
  std::vector<JobBar> bars;
  const auto now = std::chrono::steady_clock::now();
  for (const JobKind kind :
       {JobKind::Analysis, JobKind::Audit, JobKind::Export, JobKind::ZoomWeights, JobKind::HeatmapWeights,
        JobKind::HeatmapImage, JobKind::TokenBands, JobKind::Lab}) {
    std::vector<const Job*> of_kind;
    for (const Job& job : jobs)
      if (job.kind == kind) of_kind.push_back(&job);
    const bool weights = kind == JobKind::ZoomWeights || kind == JobKind::HeatmapWeights || kind == JobKind::HeatmapImage;
    if (weights && of_kind.size() > 1) {
      float done = 0.f;
      auto started = now;
      for (const Job* job : of_kind) done += job->control->done, started = std::min(started, job->started);
      const char* what = kind == JobKind::ZoomWeights    ? "weights on screen of {} heads"
                         : kind == JobKind::HeatmapImage ? "images of {} heads"
                                                         : "weights of {} heads";
      bars.push_back({done / of_kind.size(), fmt::format(fmt::runtime(what), of_kind.size()), started});
      continue;
    }
    for (const Job* job : of_kind) bars.push_back({job->control->done, job->what, job->started});
  }
  return bars;
}

}  // namespace

float view_jobs_height(const ViewContext& ctx) {
  if (ctx.state.jobs.empty()) return 0.f;
  const float bars = static_cast<float>(job_bars(ctx.state.jobs).size());
  return bars * ImGui::GetFrameHeightWithSpacing() + ImGui::GetTextLineHeightWithSpacing();
}

// Every running job as a bar with what it does and for how long. The cancel button (like Esc)
// stops them all.
void view_jobs(ViewContext& ctx) {
  const std::vector<Job>& jobs = ctx.state.jobs;
  if (jobs.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  for (const JobBar& bar : job_bars(jobs)) {
    const std::string label = fmt::format("{} ... {:.1f} s", bar.what, std::chrono::duration<double>(now - bar.started).count());
    ImGui::ProgressBar(bar.done, {-1.f, 0.f}, text_fit_lines(label, ImGui::GetContentRegionAvail().x, 1).c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", label.c_str());  // a long file name in whole
    ctx.report.job_bars.push_back({bar.what, bar.done});
  }
  if (ImGui::SmallButton("cancel")) ctx.queue.push(action::CancelJobs{});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("stop every job (Esc)");
}

void view_presets(ViewContext& ctx) {
  const auto& presets = ctx.state.presets;
  bool group_open = true;  // of the group the list is in; the main list is always open
  for (size_t i = 0; i < presets.size(); ++i) {
    const Preset& p = presets[i];
    if (i > 0 && p.group != presets[i - 1].group) {  // a group's presets follow the main list
      if (!presets[i - 1].group.empty() && group_open) ImGui::TreePop();
      group_open = ImGui::TreeNode(p.group.c_str());
    }
    if (!group_open) continue;
    const bool current = p.error.empty() && p.scene == ctx.state.scene;
    // Cut long titles at a word with an ellipsis (the tooltip has the caption).
    const std::string label = text_fit_lines(i < 9 ? fmt::format("{}  {}", i + 1, p.name) : fmt::format("    {}", p.name),
                                             ImGui::GetContentRegionAvail().x, 1);
    if (!p.error.empty()) {
      ImGui::TextDisabled("%s (invalid)", label.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.error.c_str());
      continue;
    }
    if (ImGui::Selectable(label.c_str(), current)) ctx.queue.push(action::LoadPreset{static_cast<int>(i)});
    if (ImGui::IsItemHovered() && !p.scene.caption.empty()) ImGui::SetTooltip("%s", p.scene.caption.c_str());
  }
  if (!presets.empty() && !presets.back().group.empty() && group_open) ImGui::TreePop();
}

}  // namespace attnscope
