// Timeline: play/pause, step back/forward, scrub, speed, a breakpoint on a step name, and a
// watched cell followed through the steps.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "app/gui/view_context.hpp"

namespace attnscope {

namespace {

// Where the watched cell's query and key tokens are at this step.
std::string watch_line(const Step& step, const Cell& c) {
  int rq = -1, rk = -1;
  for (int r = 0; r < step.rows; ++r) {
    if (!step.batch.empty() && step.batch[r] != 0) break;
    if (step.token(r, c.head) == c.q) rq = r;
    if (step.token(r, c.head) == c.k) rk = r;
  }
  std::string line = fmt::format("watch head {} q{} k{}: query in row {}, key in row {}", c.head, c.q, c.k, rq, rk);
  if (rq >= 0 && rk >= 0 && step.group(rq, c.head) >= 0)
    line += step.group(rq, c.head) == step.group(rk, c.head)
                ? fmt::format(", both in group {}", step.group(rq, c.head))
                : fmt::format(", groups {} and {} (never meet)", step.group(rq, c.head), step.group(rk, c.head));
  return line;
}

// The buttons before the steps, as wide as they can get ("Pause" is wider than "Play ").
const char* const kTransport[] = {"|<", "<", "Pause", ">", ">|"};

// On a projector the steps are numbered buttons and only the current one carries its name
// ("6 mask"): the strip stays one row in large type, and it is where the room reads which step
// this is (the header above the views gives its line to the caption).
std::string step_label(const AppState& state, int i, bool numbered) {
  const auto& steps = state.analysis->trace().steps;
  const char* mark = steps[i].name == state.play.breakpoint ? "* " : "";
  if (numbered)
    return i == state.play.step ? fmt::format("{}{} {}##step{}", mark, i, steps[i].name, i) : fmt::format("{}{}##step{}", mark, i, i);
  return fmt::format("{}{}##step{}", mark, steps[i].name, i);
}

std::vector<std::string> strip_labels(const AppState& state, bool numbered) {
  std::vector<std::string> labels(std::begin(kTransport), std::end(kTransport));
  for (int i = 0; i < static_cast<int>(state.analysis->trace().steps.size()); ++i)
    labels.push_back(step_label(state, i, numbered));
  return labels;
}

// Classroom type makes the strip wider than a 1280 px window. It first tightens (half the
// padding and spacing), then its text shrinks to fit one line, but no smaller than kMinScale
// (still readable from the back of a room); beyond that the step buttons wrap. Computed from the
// unscaled font, before the window's font scale is set.
constexpr float kMinScale = 0.75f;

struct StripLayout {
  float scale = 1.f;
  float padding = 0.f, spacing = 0.f;  // FramePadding.x and ItemSpacing.x of the strip
  std::vector<bool> breaks;            // per step button: starts a new line
  int lines = 1;
};

StripLayout strip_layout(const AppState& state, float width, bool numbered) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const std::vector<std::string> labels = strip_labels(state, numbered);
  float text = 0.f;
  for (const auto& l : labels) text += ImGui::CalcTextSize(l.c_str(), nullptr, true).x;
  auto fixed = [&](float padding, float spacing) { return labels.size() * padding * 2.f + (labels.size() - 1) * spacing; };
  StripLayout layout{1.f, style.FramePadding.x, style.ItemSpacing.x, {}, 1};
  if (text + fixed(layout.padding, layout.spacing) > width) {
    layout.padding *= 0.5f;
    layout.spacing *= 0.5f;
    layout.scale = std::clamp((width - fixed(layout.padding, layout.spacing)) / text, kMinScale, 1.f);
  }
  float x = -layout.spacing;
  for (size_t i = 0; i < labels.size(); ++i) {
    const float w = ImGui::CalcTextSize(labels[i].c_str(), nullptr, true).x * layout.scale + layout.padding * 2.f;
    const bool wrap = i >= std::size(kTransport) && x + layout.spacing + w > width;
    if (i >= std::size(kTransport)) layout.breaks.push_back(wrap);
    layout.lines += wrap;
    x = wrap ? w : x + layout.spacing + w;
  }
  return layout;
}

}  // namespace

float timeline_height(ViewContext& ctx, float width) {
  ImGui::PushFont(ctx.body());
  const ImGuiStyle& style = ImGui::GetStyle();
  const StripLayout strip = ctx.state.analysis ? strip_layout(ctx.state, width - style.WindowPadding.x * 2.f, ctx.projector()) : StripLayout{};
  const float frame = ImGui::GetFontSize() * strip.scale + style.FramePadding.y * 2.f + style.ItemSpacing.y;
  const int lines = strip.lines + (ctx.classroom() ? 0 : 1);  // + scrub, speed, breakpoint and watch
  const float height = lines * frame - style.ItemSpacing.y + style.WindowPadding.y * 2.f;
  ImGui::PopFont();
  return height;
}

void view_timeline(ViewContext& ctx) {
  const AppState& state = ctx.state;
  if (!state.analysis) return;
  const auto& steps = state.analysis->trace().steps;
  const int last = static_cast<int>(steps.size()) - 1;
  ImGui::PushFont(ctx.body());
  const StripLayout strip = strip_layout(state, ImGui::GetContentRegionAvail().x, ctx.projector());
  ImGui::SetWindowFontScale(strip.scale);
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, {strip.padding, style.FramePadding.y});
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, {strip.spacing, style.ItemSpacing.y});
  if (ImGui::Button("|<")) ctx.queue.push(action::StepFirst{});
  ImGui::SameLine();
  if (ImGui::Button("<")) ctx.queue.push(action::StepPrev{});
  ImGui::SameLine();
  if (ImGui::Button(state.play.playing ? "Pause" : "Play ")) ctx.queue.push(action::TogglePlay{});
  ImGui::SameLine();
  if (ImGui::Button(">")) ctx.queue.push(action::StepNext{});
  ImGui::SameLine();
  if (ImGui::Button(">|")) ctx.queue.push(action::StepLast{});
  // Step names as a strip of buttons: the current one highlighted, a click jumps there.
  for (int i = 0; i <= last; ++i) {
    if (!strip.breaks[i]) ImGui::SameLine();
    const bool current = i == state.play.step;
    const bool breakpoint = steps[i].name == state.play.breakpoint;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (breakpoint) ImGui::PushStyleColor(ImGuiCol_Border, ImColor(to_imu32(ctx.theme().leak)).Value);
    if (ImGui::Button(step_label(state, i, ctx.projector()).c_str())) ctx.queue.push(action::StepTo{i});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("step %d: %s", i, steps[i].name.c_str());
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ctx.report.step_buttons.push_back({a.x, a.y, b.x, b.y});
    if (breakpoint) ImGui::PopStyleColor();
    if (current) ImGui::PopStyleColor();
  }
  ImGui::PopStyleVar(2);
  if (!ctx.classroom()) {
    int step = state.play.step;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
    const std::string format = fmt::format("step %d / {}", last);  // numbered from 0, as the header
    if (ImGui::SliderInt("##scrub", &step, 0, last, format.c_str())) ctx.queue.push(action::StepTo{step, false});
    ImGui::SameLine();
    float speed = state.play.speed;
    ImGui::SetNextItemWidth(ctx.body()->FontSize * 8.f);
    if (ImGui::SliderFloat("speed", &speed, 0.25f, 4.f, "%.2fx")) ctx.queue.push(action::SetSpeed{speed});
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ctx.body()->FontSize * 9.f);
    if (ImGui::BeginCombo("pause at", state.play.breakpoint.empty() ? "(none)" : state.play.breakpoint.c_str())) {
      if (ImGui::Selectable("(none)", state.play.breakpoint.empty())) ctx.queue.push(action::SetBreakpoint{""});
      for (const Step& s : steps)
        if (ImGui::Selectable(s.name.c_str(), s.name == state.play.breakpoint)) ctx.queue.push(action::SetBreakpoint{s.name});
      ImGui::EndCombo();
    }
    if (state.play.watch) {
      ImGui::SameLine();
      ImGui::TextUnformatted(watch_line(*state.current_step(), *state.play.watch).c_str());
      ImGui::SameLine();
      if (ImGui::SmallButton("unwatch")) ctx.queue.push(action::SetWatch{std::nullopt});
    }
  }
  ImGui::SetWindowFontScale(1.f);
  ImGui::PopFont();
}

}  // namespace attnscope
