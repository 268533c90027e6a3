// The heatmap view: each selected head's attention weights (or binary mask) in original
// coordinates, with leaks marked and group boundaries drawn.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/analysis/values_window.hpp"
#include "core/base/progress_scope.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/panel_layout.hpp"
#include "core/figure/routed_overlay.hpp"
#include "core/figure/views.hpp"
#include "core/scene/sink_logit.hpp"

namespace attnscope::figure {

namespace {

std::string head_header(const Analysis& a, int head, bool leaks_shown) {
  std::string text = fmt::format("head {}", head);
  // One sign convention everywhere: the shift in torch.roll's sign, as --shift takes it.
  if (const int roll = head_roll(a, head); roll != 0)
    text += fmt::format(" \u00b7 shift {}, rolled", shift_text(roll));
  else if (head_segment_offset(a, head) != 0)
    text += fmt::format(" \u00b7 shift {}, cut, not rolled", shift_text(a.scene.effective_shift()));
  const int64_t leaks = a.metrics.heads[head].leaks;
  if (leaks_shown && leaks > 0) text += fmt::format(" \u00b7 {} leak{}", leaks, leaks == 1 ? "" : "s");
  return text;
}

// GPT-OSS's learned sink joins each row's softmax with no value, so the weights drawn sum to 1
// minus its share; the caption says how much of the drawn rows it takes.
std::string sink_sentence(const Analysis& a, const std::vector<int>& heads, const MatrixGrid& rows, int batch) {
  if (scene_sink_logits(a.scene).empty() || rows.n == 0) return "";
  std::vector<std::string> parts;
  for (int h : heads) {
    float least = 1, most = 0;
    double total = 0;
    for (int q = rows.row0; q < rows.row0 + rows.n; ++q) {
      const float share = row_sink_share(a, batch, h, q);
      least = std::min(least, share);
      most = std::max(most, share);
      total += share;
    }
    parts.push_back(fmt::format("head {} {:.2f}\u2013{:.2f} (mean {:.2f})", h, least, most, total / rows.n));
  }
  return fmt::format(
      "The learned sink (one logit per head with no value, not a token) takes a share of every row, so each "
      "row's weights sum to 1 minus it: {}.",
      fmt::join(parts, "; "));
}

}  // namespace

Figure view_heatmap(const Analysis& a, const FigureOptions& o) {
  const Style st = style_for(o);
  const std::vector<int> heads = heads_selected(a, o);
  Figure fig = figure_page(st);

  const StepCells shown_cells = heatmap_cells(a, o);
  const CellsDrawn drawn = heatmap_drawn(a, o);
  const bool scores = drawn == CellsDrawn::Scores;
  // At a trace step, leaks only once the mask exists (as on screen); a mask figure without a step
  // is the judged pattern itself.
  const bool leaks_shown = o.step >= 0 ? step_shows_leaks(shown_cells) : shown_cells != StepCells::Scores;
  const std::string what = drawn == CellsDrawn::Pattern || drawn == CellsDrawn::Allowed ? "allowed cells per head"
                           : shown_cells == StepCells::Scores ? "raw scores QK\u1d40/\u221aD per head, before the mask"
                           : shown_cells == StepCells::MaskedScores ? "masked scores per head"
                                                                    : "attention weights per head";
  const MatrixGrid shape = window_shape(a, o);
  // Progress: a window's weights are computed first (values_window reports its rows), each head
  // in its stretch of the first half; then the panels.
  const double computed = o.windowed() && shown_cells != StepCells::Pattern ? 0.5 : 0.0;
  std::vector<HeadCells> cells;
  for (size_t i = 0; i < heads.size(); ++i) {
    const ProgressSpan span(computed * i / heads.size(), computed * (i + 1) / heads.size());
    cells.push_back(head_cells(a, heads[i], o));
  }

  std::string subtitle = scene_summary(a);
  if (o.windowed())
    subtitle += fmt::format(" · queries {}–{} × keys {}–{}", shape.row0,
                            shape.row0 + shape.n - 1, shape.col0, shape.col0 + shape.width() - 1);
  // The GUI's step numbering (from 0), so the file and the screen name the same step.
  if (const auto& steps = a.trace().steps; o.step >= 0 && o.step < static_cast<int>(steps.size()))
    subtitle += fmt::format(" \u00b7 step {}: {}", o.step, steps[o.step].name);
  if (shown_cells != StepCells::Pattern && a.scene.batch > 1) subtitle += fmt::format(" \u00b7 sequence {}", o.batch);
  fig.title = figure_title(a, o, what);
  double y = draw_title(fig, st, st.margin, fig.title, subtitle);

  std::vector<LegendEntry> legend;
  if (drawn == CellsDrawn::Pattern) legend.push_back({LegendEntry::Kind::Swatch, matrix_allowed_color(st), "allowed"});
  if (drawn == CellsDrawn::Allowed)
    legend.push_back({LegendEntry::Kind::Swatch, st.theme.allowed, allowed_cells_label(shown_cells)});
  legend.push_back({LegendEntry::Kind::Swatch, st.theme.masked, masked_cells_label(shown_cells)});
  int64_t leaks = 0;
  if (leaks_shown)
    for (int h : heads) leaks += a.metrics.heads[h].leaks;
  if (leaks > 0)
    legend.push_back({LegendEntry::Kind::Leak, st.theme.leak, leak_legend_label(a.scene.policy)});
  if (!o.windowed() &&
      std::any_of(heads.begin(), heads.end(), [&](int h) { return head_wrapped_span(a, h).has_value(); }))
    legend.push_back({LegendEntry::Kind::Outline, st.theme.wrapped_group,
                      "the wrapped group: one group, seen as four corner pieces"});
  if (std::any_of(heads.begin(), heads.end(),
                  [&](int h) { return shows_group_boundary(shape, head_group_boundaries(a, h)); }))
    legend.push_back({LegendEntry::Kind::Line, st.theme.group_boundary, a.build.boundary_name + " boundary"});
  if (std::any_of(cells.begin(), cells.end(), [](const HeadCells& c) { return !matrix_empty_rows(c.rows).empty(); }))
    legend.push_back({LegendEntry::Kind::Hatch, st.theme.axis, "row reads no key"});
  // A routed variant's selection step: the query's candidates over its row in every panel.
  std::vector<std::optional<RoutedRowView>> routed;
  for (int h : heads) routed.push_back(routed_overlay_row(a, o, h));
  if (o.query >= 0 && !routed.front())
    throw SceneError("query: this step draws no selection; --query names the row of a routed variant's selection "
                     "step (moba, nsa, dsa: 'attnscope steps' lists them)");
  std::string caption = figure_caption(a, o);
  if (routed.front()) {
    for (const LegendEntry& e : routed_overlay_legend(st, *routed.front())) legend.push_back(e);
    const std::string marks = routed_marks_legend(*routed.front()) + ".";
    caption = caption.empty() ? marks : marks + " " + caption;
  }
  if (shown_cells == StepCells::Weights)
    if (const std::string sink = sink_sentence(a, heads, shape, o.batch); !sink.empty())
      caption += caption.empty() ? sink : " " + sink;
  auto text_height = [&](double width) {
    return measure_height([&](Figure& f, double y0) {
      return draw_caption(f, st, 0, draw_legend(f, st, 0, y0, width, legend), width, caption);
    });
  };
  double text_width = st.width - 2 * st.margin;
  const double below = st.gap * 0.6 + text_height(text_width);  // the legend starts a gap under the panels

  // Scores on the GUI's scale (every head's, so a colour means one score), weights on their 99th
  // percentile; a mask figure, or one of allowed cells whose values are not computed, has no scale.
  const bool valued = drawn == CellsDrawn::Scores || drawn == CellsDrawn::Weights;
  std::vector<const std::vector<float>*> shown;
  if (drawn == CellsDrawn::Weights)
    for (const HeadCells& c : cells) shown.push_back(&c.values());
  const WeightScale scale = !valued ? WeightScale{} : scores ? step_score_scale(a) : weight_scale(shown);

  const int cols = panel_columns(st, static_cast<int>(heads.size()));
  const double bar = valued ? colorbar_width(st, scale) : 0;
  PanelLayout layout = layout_panels(st, shape, static_cast<int>(heads.size()), cols, y, bar,
                                     st.height > 0 ? st.height - st.margin - below : 0);
  // A slide is wide and short: the legend and caption go beside the panels when the cells come
  // out larger that way and the text fits the column.
  double text_x = st.margin, text_y = -1;
  if (st.height > 0) {
    const double column = (st.width - 2 * st.margin) * kSlideTextColumn;
    const PanelLayout beside = layout_panels(st, shape, static_cast<int>(heads.size()), cols, y,
                                             bar + st.gap + column, st.height - st.margin);
    const double x = beside.right + bar + st.gap, width = st.width - st.margin - x;
    if (beside.grids.front().cell > layout.grids.front().cell && y + text_height(width) <= st.height - st.margin)
      layout = beside, text_x = x, text_width = width, text_y = y;
  }

  std::vector<std::string> headers;
  for (int h : heads) headers.push_back(head_header(a, h, leaks_shown));
  draw_panel_headers(fig, st, layout, cols, headers);
  for (size_t i = 0; i < heads.size(); ++i) {
    const int h = heads[i];
    const MatrixGrid& g = layout.grids[i];
    fig.matrices.push_back({g.box(), g.n, h, a.scene.variant, g.width(), g.row0, g.col0});
    const ProgressSpan panel(computed + (1 - computed) * i / heads.size(), computed + (1 - computed) * (i + 1) / heads.size());
    matrix_draw_head(fig, st, g, a, h, cells[i], o, scale, i % cols == 0);
    if (routed[i]) routed_overlay_draw(fig, st, g, *routed[i]);
  }
  if (valued) {
    const MatrixGrid& g = layout.grids.front();
    draw_colorbar(fig, st, {layout.right + st.gap, g.y, st.label, g.box().h}, scale, scores ? "score" : "attention weight");
  }

  y = text_y >= 0 ? text_y : layout.bottom + st.gap * 0.6;
  y = draw_legend(fig, st, text_x, y, text_width, legend);
  y = draw_caption(fig, st, text_x, y, text_width, caption);
  fig.height = std::max(y, layout.bottom) + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

}  // namespace attnscope::figure
