// Timeline: play/pause, step back/forward, scrub, speed, a breakpoint on a step name, and a
// watched cell followed through the steps.
#include <fmt/format.h>

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

}  // namespace

void view_timeline(ViewContext& ctx) {
  const AppState& state = ctx.state;
  if (!state.analysis) return;
  const auto& steps = state.analysis->trace().steps;
  const int last = static_cast<int>(steps.size()) - 1;
  ImGui::PushFont(ctx.body());
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
    ImGui::SameLine();
    const bool current = i == state.play.step;
    const bool breakpoint = steps[i].name == state.play.breakpoint;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (breakpoint) ImGui::PushStyleColor(ImGuiCol_Border, ImColor(to_imu32(ctx.theme().leak)).Value);
    if (ImGui::Button(fmt::format("{}{}##step{}", breakpoint ? "* " : "", steps[i].name, i).c_str()))
      ctx.queue.push(action::StepTo{i});
    if (breakpoint) ImGui::PopStyleColor();
    if (current) ImGui::PopStyleColor();
  }
  if (!ctx.classroom()) {
    int step = state.play.step;
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.35f);
    if (ImGui::SliderInt("##scrub", &step, 0, last, "step %d")) ctx.queue.push(action::StepTo{step, false});
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
  ImGui::PopFont();
}

}  // namespace attnscope
