// Heatmaps: one per head, queries as rows from the top, keys as columns from the left.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "app/gui/heatmap_widget.hpp"

namespace attnscope {

namespace {

// How many of the mask step's allowed cells are lit: they light up while the cursor moves onto it.
float mask_reveal(const AppState& state) {
  const Step* step = state.current_step();
  if (!step || step->values != StepValues::MaskedScores || state.play.from == state.play.step) return 1.f;
  return state.play.t;
}

// "≥" on the top of the bar when the scale clips, as on the exported figures' colorbars.
void colormap_legend(ViewContext& ctx, const WeightScale& scale, float width) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ctx.body()->FontSize * 0.7f;
  const auto& table = colormap_table(ctx.state.view.colormap);
  const float bar = std::min(width * 0.4f, 260.f);
  ImGui::PushFont(ctx.body());
  const char* lo = "weight 0";
  const float lo_w = ImGui::CalcTextSize(lo).x;
  list->AddText(p, ImGui::GetColorU32(ImGuiCol_Text), lo);
  const float x0 = p.x + lo_w + 6.f, y0 = p.y + (ImGui::GetTextLineHeight() - h) * 0.5f;
  for (int i = 0; i < 64; ++i) {
    const Rgb8 c = table[i * 255 / 63];
    list->AddRectFilled({x0 + bar * i / 64.f, y0}, {x0 + bar * (i + 1) / 64.f + 0.5f, y0 + h}, to_imu32(c));
  }
  const std::string hi = fmt::format("{}{:.2f}", scale.clipped ? "\u2265 " : "", scale.vmax);
  list->AddText({x0 + bar + 6.f, p.y}, ImGui::GetColorU32(ImGuiCol_Text), hi.c_str());
  const Theme& theme = ctx.theme();
  const float x1 = x0 + bar + 12.f + ImGui::CalcTextSize(hi.c_str()).x + 14.f;
  list->AddRectFilled({x1, y0}, {x1 + h, y0 + h}, to_imu32(theme.masked));
  list->AddText({x1 + h + 5.f, p.y}, ImGui::GetColorU32(ImGuiCol_Text), "masked");
  const float x2 = x1 + h + 14.f + ImGui::CalcTextSize("masked").x;
  list->AddRect({x2, y0}, {x2 + h, y0 + h}, to_imu32(theme.leak), 0.f, 0, 2.f);
  list->AddLine({x2, y0}, {x2 + h, y0 + h}, to_imu32(theme.leak), 2.f);
  list->AddLine({x2, y0 + h}, {x2 + h, y0}, to_imu32(theme.leak), 2.f);
  list->AddText({x2 + h + 5.f, p.y}, ImGui::GetColorU32(ImGuiCol_Text), "leak");
  ImGui::Dummy({width, ImGui::GetTextLineHeightWithSpacing()});
  ImGui::PopFont();
}

// Under each matrix: the head's share of the N×N cells and its leaks, on one line when it fits
// the matrix's width, else on two (classroom type), so it never pushes the next head aside.
struct MetricsText {
  std::string cells, leaks;
};
MetricsText metrics_text(const HeadMetrics& m) {
  return {fmt::format("allowed {} \u00b7 density {:.3f}", m.allowed, m.density),
          fmt::format("{} leak{}", m.leaks, m.leaks == 1 ? "" : "s")};
}
float metrics_one_line_width(const MetricsText& t) {
  return ImGui::CalcTextSize((t.cells + " \u00b7 " + t.leaks).c_str()).x;
}

void head_metrics(ViewContext& ctx, const HeadMetrics& m, float x, bool two_lines) {
  const MetricsText t = metrics_text(m);
  ImGui::SetCursorScreenPos({x, ImGui::GetCursorScreenPos().y});
  ImGui::TextDisabled("%s%s", t.cells.c_str(), two_lines ? "" : " \u00b7");
  if (two_lines) ImGui::SetCursorScreenPos({x, ImGui::GetCursorScreenPos().y});
  else ImGui::SameLine();
  if (m.leaks > 0) ImGui::TextColored(ImColor(to_imu32(ctx.theme().leak)), "%s", t.leaks.c_str());
  else ImGui::TextDisabled("%s", t.leaks.c_str());
}

}  // namespace

void view_heatmaps(ViewContext& ctx) {
  const auto& analysis = ctx.state.analysis;
  if (!analysis) return;
  const int heads = std::min(analysis->heads(), 8);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float legend = line;
  // Classroom has no inspector column: the focused cell is one line under the matrices.
  const float inspector = ctx.classroom() ? line : 0.f;
  // Room for the "why it matters" line, in the regular body type (two lines where it wraps).
  const bool why_line = analysis->metrics.total_leaks > 0 && ctx.state.lesson && ctx.state.lesson->next;
  const float why_h = why_line ? 2.f * ctx.fonts.body->FontSize * 1.25f : 0.f;
  float metrics_w = 0.f;
  for (int h = 0; h < heads; ++h) metrics_w = std::max(metrics_w, metrics_one_line_width(metrics_text(analysis->metrics.heads[h])));
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx);
  const float gap = ctx.body()->FontSize;
  // The column count that gives the largest square matrices in the width and height there are.
  int best_cols = 1;
  float best_side = 0.f;
  for (int cols = 1; cols <= heads; ++cols) {
    const int rows = (heads + cols - 1) / cols;
    const float width_side = (avail.x - cols * left - (cols - 1) * gap) / cols;
    const float below = (metrics_w > width_side ? 2.f : 1.f) * line;
    const float side = std::min(width_side, (avail.y - legend - inspector - why_h - rows * (top + below) - (rows - 1) * gap) / rows);
    if (side > best_side) best_side = side, best_cols = cols;
  }
  const float side = std::floor(std::max(best_side, 16.f));
  const bool two_line_metrics = metrics_w > side;
  colormap_legend(ctx, ctx.state.weight_scale, avail.x);
  const float reveal = mask_reveal(ctx.state);
  for (int h = 0; h < heads; ++h) {
    if (h % best_cols != 0) ImGui::SameLine(0.f, gap);
    ImGui::BeginGroup();
    const float x = ImGui::GetCursorScreenPos().x;
    heatmap_widget(ctx, {analysis, h, side, ctx.state.weight_scale.vmax, true, true, reveal});
    head_metrics(ctx, analysis->metrics.heads[h], x + left, two_line_metrics);
    ImGui::EndGroup();
    if (h % best_cols == best_cols - 1 && h + 1 < heads) ImGui::Dummy({0.f, gap - ImGui::GetStyle().ItemSpacing.y});
  }
  if (analysis->heads() > heads)
    ImGui::TextDisabled("heads %d-%d are not shown", heads, analysis->heads() - 1);
  // Why the leaks matter, from the receptive field over stacked layers.
  if (why_line) {
    ImGui::PushFont(ctx.fonts.body);
    ImGui::PushTextWrapPos(0.f);
    ImGui::TextColored(ImColor(to_imu32(ctx.theme().leak)), "why it matters: %s",
                       lesson_next_token_text(*ctx.state.lesson).c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
  }
  if (ctx.classroom()) view_inspector_line(ctx);
}

}  // namespace attnscope
