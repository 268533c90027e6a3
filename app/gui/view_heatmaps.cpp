// Heatmaps: one per head, queries as rows from the top, keys as columns from the left, showing
// what the current step has computed (the pattern to come, raw or masked scores, or weights).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "app/gui/heatmap_legend.hpp"
#include "app/gui/heatmap_widget.hpp"
#include "app/gui/text_fit.hpp"
#include "core/base/digits.hpp"
#include "core/presentation/routed_row.hpp"
#include "core/presentation/shown_heads.hpp"
#include "core/presentation/step_scores.hpp"

namespace attnscope {

namespace {

// Under each matrix: its leaks and its share of the N×N cells on one line, cut at the matrix's
// width with an ellipsis (leaks first, so they survive the cut; the inspector has the rest).
// Density as a whole percentage. Before the mask step there is no mask to leak, so no leak count.
std::string metrics_text(const HeadMetrics& m, bool leaks_shown) {
  const std::string density = m.density >= 0.01 || m.density == 0.0 ? fmt::format("{:.0f}%", m.density * 100) : "<1%";
  const std::string allowed = fmt::format("{} allowed ({})", digits_grouped(m.allowed), density);
  if (!leaks_shown) return allowed;
  return fmt::format("{} leak{} \u00b7 {}", digits_grouped(m.leaks), m.leaks == 1 ? "" : "s", allowed);
}

void head_metrics(ViewContext& ctx, const HeadMetrics& m, bool leaks_shown, float x, float width) {
  ImGui::SetCursorScreenPos({x, ImGui::GetCursorScreenPos().y});
  const ImU32 color = leaks_shown && m.leaks > 0 ? to_imu32(ctx.theme().leak) : ImGui::GetColorU32(ImGuiCol_TextDisabled);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextUnformatted(text_fit_lines(metrics_text(m, leaks_shown), width, 1).c_str());
  ImGui::PopStyleColor();
}

// Over the matrices at a routed variant's selection step: whose row the overlay shows, and what
// its fills mean.
void routed_legend(ViewContext& ctx, const RoutedRowView& row) {
  ImGui::TextDisabled("query %s's %ss (focus a cell for another):", digits_grouped(row.q).c_str(), row.unit.c_str());
  std::vector<RoutedRole> roles;
  for (const RoutedUnit& u : row.units)
    if (std::find(roles.begin(), roles.end(), u.role) == roles.end()) roles.push_back(u.role);
  std::sort(roles.begin(), roles.end());
  for (RoutedRole role : roles) {
    ImGui::SameLine();
    const float side = ImGui::GetTextLineHeight() * 0.8f;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 p0{at.x, at.y + (ImGui::GetTextLineHeight() - side) * 0.5f}, p1{p0.x + side, p0.y + side};
    ImGui::GetWindowDrawList()->AddRectFilled(p0, p1, to_imu32(routed_role_color(role, ctx.theme())));
    ImGui::GetWindowDrawList()->AddRect(p0, p1, to_imu32(ctx.theme().text));
    ImGui::Dummy({side, ImGui::GetTextLineHeight()});
    ImGui::SameLine(0.f, 4.f);
    ImGui::TextUnformatted(routed_role_name(role));
  }
}

}  // namespace

HeatmapGrid heatmap_grid(ViewContext& ctx, const Analysis& a, int count, ImVec2 avail, float reserved_h) {
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx, a.n());
  // On a projector the matrices sit closer and the header above each carries its leak count
  // (no metrics line under it): every pixel goes to the cells.
  const float gap = ctx.body()->FontSize * (ctx.projector() ? 0.5f : 1.f);
  HeatmapGrid best;
  for (int cols = 1; cols <= count; ++cols) {
    const int rows = (count + cols - 1) / cols;
    const float width_side = std::floor((avail.x - cols * left - (cols - 1) * gap) / cols);
    const float below = ctx.projector() ? 0.f : ImGui::GetTextLineHeightWithSpacing();  // the metrics line
    const float height_side = std::floor((avail.y - reserved_h - rows * (top + below) - (rows - 1) * gap) / rows);
    const float side = std::min(width_side, height_side);
    if (side > best.side) best = {cols, side, gap};
  }
  best.side = std::max(best.side, 16.f);
  return best;
}

void view_heatmaps(ViewContext& ctx) {
  const auto& analysis = ctx.state.analysis;
  if (!analysis) return;
  const std::vector<int> shown = shown_heads(*analysis, 8);
  const int heads = static_cast<int>(shown.size());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const StepCells cells = step_cells(*analysis, ctx.state.play.step);
  // The legend names every way the shown heads colour their cells (values, or the allowed cells
  // of a head whose values are not computed yet).
  std::vector<CellsDrawn> drawn;
  for (int head : shown) drawn.push_back(heatmap_drawn(ctx.state, *analysis, head, cells, true));
  const float legend_h = heatmap_legend_height(ctx, cells, drawn, avail.x);
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // Classroom has no inspector column: the focused cell takes two lines under the matrices (on a
  // projector in the regular body type, like the why-line, so the matrices keep their room).
  ImGui::PushFont(inspector_line_font(ctx));
  const float inspector = ctx.classroom() ? 2.f * ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y : 0.f;
  ImGui::PopFont();
  const float more = analysis->heads() > heads ? line : 0.f;
  // Room for the "why it matters" line, in the body type (classroom's large one in front of a
  // class: it is the argument of the lesson, never the smallest text), at the height it wraps to.
  // In classroom on a large screen it is cut to one line so the matrices keep their room (hovering
  // it shows it whole); on a projector the header's title and code strip gave it their room.
  const bool why_line = analysis->metrics.total_leaks > 0 && ctx.state.lesson && ctx.state.lesson->next;
  const std::string why_full = why_line ? "why it matters: " + lesson_next_token_text(*ctx.state.lesson) : "";
  ImGui::PushFont(ctx.body());
  const std::string why = ctx.classroom() && !ctx.projector() ? text_fit_lines(why_full, avail.x, 1) : why_full;
  const float why_h = why_line ? ImGui::CalcTextSize(text_break_lines(why, avail.x).c_str()).y + ImGui::GetStyle().ItemSpacing.y : 0.f;
  ImGui::PopFont();
  // Outside classroom mode (student controls only) a button under it opens the Lab.
  const bool lab_link = why_line && !ctx.classroom();
  const float link_h = lab_link ? ImGui::GetFrameHeightWithSpacing() : 0.f;
  // The lab's per-position loss under the matrices, when its model was trained on this pattern.
  const LabPanel& lab = ctx.state.lab;
  const bool lab_rows = lab.result && lab.result->n == analysis->n() && lab.trained.variant == analysis->scene.variant;
  const float lab_h = lab_rows ? lab_loss_rows_height() + 3.f * line : 0.f;
  const int routed_q = ctx.state.focus() ? ctx.state.focus()->q : analysis->n() - 1;
  const auto routed = routed_row_view(*analysis, ctx.state.play.step, shown.front(), routed_q);
  const float routed_h = routed ? line : 0.f;
  // On a projector the why-line and the focused cell's explanation share one place under the
  // matrices (the cell while one is hovered or pinned, else the why-line), so the cells keep
  // their room; elsewhere each has its own.
  const bool shared_line = ctx.projector() && why_line;
  const bool why_drawn = why_line && !(shared_line && ctx.state.focus());
  const float lines_h = shared_line ? std::max(why_h, inspector) : why_h + inspector;
  const HeatmapGrid grid = heatmap_grid(ctx, *analysis, heads, avail, legend_h + lines_h + more + link_h + routed_h + lab_h);
  heatmap_legend(ctx, cells, drawn, avail.x);
  if (routed) routed_legend(ctx, *routed);
  const float left = heatmap_widget_left(ctx, analysis->n());
  float first_x = ImGui::GetCursorScreenPos().x;
  for (int i = 0; i < heads; ++i) {
    if (i % grid.cols != 0) ImGui::SameLine(0.f, grid.gap);
    ImGui::BeginGroup();
    const float x = ImGui::GetCursorScreenPos().x;
    if (i == 0) first_x = x;
    HeatmapWidget widget{analysis, shown[i], grid.side, ctx.state.weight_scale.vmax, true, true, cells, {}};
    heatmap_widget(ctx, widget);
    if (!ctx.projector())
      head_metrics(ctx, analysis->metrics.heads[shown[i]], step_shows_leaks(cells), x, left + grid.side);
    ImGui::EndGroup();
    if (i % grid.cols == grid.cols - 1 && i + 1 < heads) ImGui::Dummy({0.f, grid.gap - ImGui::GetStyle().ItemSpacing.y});
  }
  if (analysis->heads() > heads)
    ImGui::TextDisabled("heads %s are not shown", hidden_heads_text(analysis->heads(), shown).c_str());
  if (lab_rows) {
    ImGui::TextDisabled("%s", text_fit_lines(fmt::format("lab: each position's loss after {} steps, under the first "
                                                         "matrix's key columns (T: the Lab)",
                                                         lab.result->steps),
                                             avail.x, 1)
                                  .c_str());
    ImGui::SetCursorScreenPos({first_x + left, ImGui::GetCursorScreenPos().y});
    lab_loss_rows(ctx, *lab.result, first_x + left, grid.side);
    lab_loss_legend(ctx, lab.result->ln_vocab());
  }
  // Why the leaks matter, from the receptive field over stacked layers: in the alarm colour only
  // when some query does reach its own next token; a line saying none can is plain text.
  if (why_drawn) {
    ImGui::PushFont(ctx.body());
    const bool alarm = ctx.state.lesson->next->first >= 0;
    const ImU32 color = alarm ? to_imu32(ctx.theme().leak) : ImGui::GetColorU32(ImGuiCol_Text);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushStyleColor(ImGuiCol_Text, color);
    text_wrapped(why);
    ImGui::PopStyleColor();
    ctx.report.lines.push_back({"why", why, ImGui::GetFontSize(), color,
                                {at.x, at.y, ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}});
    if (why != why_full && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", why_full.c_str());
    ImGui::PopFont();
    // From the argument to the measurement: the Lab trains a model under this pattern.
    if (lab_link && ImGui::SmallButton("measure it: train a model under this pattern in the Lab (T)"))
      ctx.queue.push(action::SetLab{true});
  }
  if (ctx.classroom() && !(shared_line && why_drawn)) view_inspector_line(ctx);
}

}  // namespace attnscope
