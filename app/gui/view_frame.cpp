// The window's fixed layout (ImGui 1.86 has no docking): a menu bar, a left column (scene and
// presets, inspector), the token grid with the step header, the heatmaps (or compare), and the
// timeline along the bottom. Sizes are fractions of the window, so it resizes cleanly.
#include <algorithm>
#include <string>

#include "app/gui/text_fit.hpp"
#include "app/gui/view_context.hpp"

namespace attnscope {

namespace {

void panel(const char* id, ImVec2 size, void (*body)(ViewContext&), ViewContext& ctx, bool border = true) {
  ImGui::BeginChild(id, size, border, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  body(ctx);
  ImGui::EndChild();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.report.panels.push_back({id, {a.x, a.y, b.x, b.y}});
}

void section_title(ViewContext& ctx, const char* title) {
  ImGui::PushFont(ctx.caption());
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
}

void left_column(ViewContext& ctx) {
  const float h = ImGui::GetContentRegionAvail().y;
  const float w = ImGui::GetContentRegionAvail().x;
  // The fields and presets scroll; the running jobs' bars stay at the panel's foot, inside it.
  ImGui::BeginChild("scene", {w, h * 0.62f}, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::BeginChild("scene_fields", {0.f, -view_jobs_height(ctx)}, false);
  if (!ctx.classroom()) {
    section_title(ctx, "Scene");
    view_scene(ctx);
    ImGui::Separator();
  }
  section_title(ctx, "Presets");
  view_presets(ctx);
  ImGui::EndChild();
  view_jobs(ctx);
  ImGui::EndChild();
  ImGui::BeginChild("inspector", {w, 0.f}, true);
  section_title(ctx, "Inspector");
  view_inspector(ctx);
  ImGui::EndChild();
}

void token_column(ViewContext& ctx) {
  if (!ctx.classroom()) {  // in classroom mode the step header spans the window instead
    view_step_header(ctx);
    ImGui::Separator();
  }
  view_token_grid(ctx);
}

// Classroom mode has no scene panel: the jobs' bars float over the foot of the heatmaps' panel
// (inside it, its matrices unmoved) while work runs, so the room sees that something is coming.
void classroom_jobs(ViewContext& ctx, const ImVec2& panel_min, const ImVec2& panel_max) {
  if (ctx.state.jobs.empty()) return;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float width = (panel_max.x - panel_min.x) * 0.6f;
  ImGui::SetNextWindowPos({panel_min.x + style.WindowPadding.x, panel_max.y - style.WindowPadding.y}, ImGuiCond_Always, {0.f, 1.f});
  ImGui::SetNextWindowSize({width, 0.f});
  ImGui::Begin("##jobs", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing |
                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoSavedSettings);
  view_jobs(ctx);
  ImGui::End();
}

void right_column(ViewContext& ctx) {
  if (!ctx.state.analysis) {
    const bool analysing = ctx.state.jobs_running(JobKind::Analysis) || ctx.state.jobs_running(JobKind::Audit);
    ImGui::TextUnformatted(analysing ? "Analysing ..." : "No analysis yet.");
    return;
  }
  view_stack_strip(ctx);
  if (ctx.state.view.compare) view_compare(ctx);
  else if (ctx.state.view.stack_reach) view_stack_reach(ctx);
  else if (ctx.state.view.cost) view_cost(ctx);
  else if (ctx.state.view.lab) view_lab(ctx);
  else view_heatmaps(ctx);
}

// The core refused the scene: say so above the views (which keep the last scene that worked),
// in the GUI's words; the fields holding the refused values are outlined in the scene panel.
void error_banner(ViewContext& ctx) {
  const std::string& error = ctx.state.error;
  if (error.empty()) return;
  const Theme& theme = ctx.theme();
  // The core's message is one sentence, maybe without its full stop: the note after it is another.
  const bool ended = error.back() == '.' || error.back() == '!' || error.back() == '?';
  const std::string text = error + (ended ? " " : ". ") + "The views show the last scene that worked.";
  const float width = ImGui::GetContentRegionAvail().x;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float wrap = width - style.WindowPadding.x * 2.f;
  const std::string lines = text_break_lines(text, wrap);
  const float h = ImGui::CalcTextSize(lines.c_str()).y + style.WindowPadding.y * 2.f;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImColor(to_imu32(theme.leak, 40)).Value);
  ImGui::PushStyleColor(ImGuiCol_Border, ImColor(to_imu32(theme.leak)).Value);
  ImGui::BeginChild("error", {width, h}, true, ImGuiWindowFlags_NoScrollbar);
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::TextUnformatted(lines.c_str());
  ctx.report.lines.push_back({"banner", text, ImGui::GetFontSize(), ImGui::GetColorU32(ImGuiCol_Text),
                              {at.x, at.y, ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}});
  ImGui::EndChild();
  ImGui::PopStyleColor(2);
}

// A word wider than the note (an exported file's path) broken after a '/', else after a '-', so
// the note shows all of it; lines break at spaces only, and a path has none.
std::string paths_broken(const std::string& text, float width) {
  std::string out;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(' ', begin), text.size());
    std::string word = text.substr(begin, end - begin);
    size_t line = 0;  // where the word's current line starts
    while (ImGui::CalcTextSize(word.c_str() + line).x > width) {
      size_t cut = std::string::npos;
      for (const char separator : {'/', '-'}) {
        for (size_t i = line; i + 1 < word.size(); ++i)
          if (word[i] == separator && ImGui::CalcTextSize(word.c_str() + line, word.c_str() + i + 1).x <= width) cut = i + 1;
        if (cut != std::string::npos) break;
      }
      if (cut == std::string::npos) break;  // nowhere to break: the word keeps its line
      word.insert(cut, "\n");
      line = cut + 1;
    }
    out += word;
    if (end < text.size()) out += ' ';
    begin = end + 1;
  }
  return out;
}

// A note in the bottom-right corner, wrapped in full: a message (an export's path) for a few
// seconds; an error until it is dismissed with its button or Esc, so it can be read to the end.
void toast(ViewContext& ctx) {
  const auto& toast = ctx.state.toast;
  if (!toast) return;
  const ImGuiIO& io = ImGui::GetIO();
  const float margin = ctx.body()->FontSize;
  const float width = std::min(io.DisplaySize.x * 0.6f, ctx.body()->FontSize * 40.f);
  ImGui::SetNextWindowPos({io.DisplaySize.x - margin, io.DisplaySize.y - margin}, ImGuiCond_Always, {1.f, 1.f});
  // An error may take most of the window's height: its whole text stays readable until dismissed.
  ImGui::SetNextWindowSizeConstraints({0.f, 0.f}, {width, io.DisplaySize.y * (toast->error ? 0.9f : 0.5f)});
  if (toast->error) ImGui::PushStyleColor(ImGuiCol_Border, ImColor(to_imu32(ctx.theme().leak)).Value);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 2.f);
  ImGui::Begin("##toast", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing |
                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoSavedSettings |
                   (toast->error ? ImGuiWindowFlags_None : ImGuiWindowFlags_NoInputs));
  ImGui::PushFont(ctx.body());
  const float wrap = width - ImGui::GetStyle().WindowPadding.x * 2.f;
  text_wrapped(paths_broken(toast->text, wrap), wrap);
  if (toast->error && ImGui::Button("dismiss (Esc)")) ctx.queue.push(action::DismissToast{});
  ImGui::PopFont();
  ImGui::End();
  ImGui::PopStyleVar();
  if (toast->error) ImGui::PopStyleColor();
}

}  // namespace

void view_frame(ViewContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  ctx.report.body_font_size = ctx.body()->FontSize;
  ImGui::SetNextWindowPos({0, 0});
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushFont(ctx.body());
  ImGui::Begin("attnscope", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_MenuBar |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
  view_menu(ctx);
  // Classroom: no editing column; the step and its caption run across the top in large type,
  // so the grid and the heatmaps keep their room. Presets stay on the keys 1-9.
  if (ctx.classroom()) view_step_header(ctx);
  error_banner(ctx);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float timeline_h = timeline_height(ctx, avail.x);
  const float main_h = avail.y - timeline_h - ImGui::GetStyle().ItemSpacing.y;
  const float left_w = ctx.classroom() ? 0.f : std::clamp(avail.x * 0.22f, 240.f, 360.f);
  // The token grid takes what its columns need (and, outside classroom, room for the step
  // header above it); the heatmaps get the rest of the width.
  const float token_max = std::clamp((avail.x - left_w) * 0.3f, 240.f, 560.f);
  const float token_w = std::min(token_max, std::max(token_grid_width(ctx), ctx.classroom() ? 0.f : 240.f));
  const float right_w = avail.x - left_w - token_w - (ctx.classroom() ? 1 : 2) * spacing;

  if (!ctx.classroom()) {
    ImGui::BeginChild("left", {left_w, main_h}, false);
    left_column(ctx);
    ImGui::EndChild();
    ImGui::SameLine();
  }
  panel("tokens", {token_w, main_h}, token_column, ctx);
  ImGui::SameLine();
  panel("heatmaps", {right_w, main_h}, right_column, ctx);
  const ImVec2 heatmaps_min = ImGui::GetItemRectMin(), heatmaps_max = ImGui::GetItemRectMax();
  panel("timeline", {avail.x, 0.f}, view_timeline, ctx);
  ImGui::End();
  if (ctx.classroom()) classroom_jobs(ctx, heatmaps_min, heatmaps_max);
  view_file_browser(ctx);
  ImGui::PopFont();
  toast(ctx);
  for (const WrappedText& text : text_wrapped_drawn_take())
    for (std::string& piece : screen_report_number_breaks(text.source, text.drawn)) ctx.report.broken_numbers.push_back(std::move(piece));

  // Hover is whatever a view found under the mouse this frame (none: the hover ends).
  if (ctx.hover_next != ctx.state.hover) ctx.queue.push(action::SetHover{ctx.hover_next});
}

}  // namespace attnscope
