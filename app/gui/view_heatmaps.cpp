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

void colormap_legend(ViewContext& ctx, float max_weight, float width) {
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
  const std::string hi = fmt::format("{:.2f}", max_weight);
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

}  // namespace

void view_heatmaps(ViewContext& ctx) {
  const auto& analysis = ctx.state.analysis;
  if (!analysis) return;
  const int heads = std::min(analysis->heads(), 8);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend = ctx.body()->FontSize * 1.8f;
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx);
  const float gap = ctx.body()->FontSize;
  // The column count that gives the largest square matrices.
  int best_cols = 1;
  float best_side = 0.f;
  for (int cols = 1; cols <= heads; ++cols) {
    const int rows = (heads + cols - 1) / cols;
    const float side = std::min((avail.x - cols * (left + gap)) / cols,
                                (avail.y - legend - rows * (top + gap)) / rows);
    if (side > best_side) best_side = side, best_cols = cols;
  }
  const float side = std::floor(std::max(best_side, 16.f));
  colormap_legend(ctx, ctx.state.max_weight, avail.x);
  const float reveal = mask_reveal(ctx.state);
  for (int h = 0; h < heads; ++h) {
    if (h % best_cols != 0) ImGui::SameLine(0.f, gap);
    heatmap_widget(ctx, {analysis, h, side, true, true, reveal});
  }
  if (analysis->heads() > heads)
    ImGui::TextDisabled("heads %d-%d are not shown", heads, analysis->heads() - 1);
}

}  // namespace attnscope
