// The heatmap view: each selected head's attention weights (or binary mask) in original
// coordinates, with leaks marked and group boundaries drawn.
#include <fmt/format.h>

#include <algorithm>

#include "core/base/progress_scope.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/panel_layout.hpp"
#include "core/figure/views.hpp"

namespace attnscope::figure {

namespace {

std::string head_header(const Analysis& a, int head) {
  std::string text = fmt::format("head {}", head);
  // One sign convention everywhere: the shift in torch.roll's sign, as --shift takes it.
  if (const int roll = head_roll(a, head); roll != 0)
    text += fmt::format(" \u00b7 shift {}, rolled", shift_text(roll));
  else if (head_segment_offset(a, head) != 0)
    text += fmt::format(" \u00b7 shift {}, cut, not rolled", shift_text(a.scene.effective_shift()));
  const int64_t leaks = a.metrics.heads[head].leaks;
  if (leaks > 0) text += fmt::format(" \u00b7 {} leak{}", leaks, leaks == 1 ? "" : "s");
  return text;
}

}  // namespace

Figure view_heatmap(const Analysis& a, const FigureOptions& o) {
  const Style st = style_for(o);
  const std::vector<int> heads = heads_selected(a, o);
  Figure fig = figure_page(st);

  const std::string what = o.mask_only ? "allowed cells per head" : "attention weights per head";
  const MatrixGrid shape = window_shape(a, o);
  // Progress: a window's weights are computed first (values_window reports its rows), each head
  // in its stretch of the first half; then the panels.
  const double computed = o.windowed() && !o.mask_only ? 0.5 : 0.0;
  std::vector<HeadCells> cells;
  for (size_t i = 0; i < heads.size(); ++i) {
    const ProgressSpan span(computed * i / heads.size(), computed * (i + 1) / heads.size());
    cells.push_back(head_cells(a, heads[i], o));
  }

  std::string subtitle = scene_summary(a);
  if (o.windowed())
    subtitle += fmt::format(" · queries {}–{} × keys {}–{}", shape.row0,
                            shape.row0 + shape.n - 1, shape.col0, shape.col0 + shape.width() - 1);
  if (!o.mask_only && a.scene.batch > 1) subtitle += fmt::format(" \u00b7 sequence {}", o.batch);
  fig.title = figure_title(a, o, what);
  double y = draw_title(fig, st, st.margin, fig.title, subtitle);

  std::vector<LegendEntry> legend;
  if (o.mask_only) legend.push_back({LegendEntry::Kind::Swatch, matrix_allowed_color(st), "allowed"});
  legend.push_back({LegendEntry::Kind::Swatch, st.theme.masked, "masked (never computed)"});
  int64_t leaks = 0;
  for (int h : heads) leaks += a.metrics.heads[h].leaks;
  if (leaks > 0)
    legend.push_back({LegendEntry::Kind::Leak, st.theme.leak, leak_legend_label(a.scene.policy)});
  if (!o.windowed() &&
      std::any_of(heads.begin(), heads.end(), [&](int h) { return head_wrapped_group(a, h).has_value(); }))
    legend.push_back({LegendEntry::Kind::Outline, wrapped_group_color(),
                      "the wrapped group: one group, seen as four corner pieces"});
  if (std::any_of(heads.begin(), heads.end(),
                  [&](int h) { return shows_group_boundary(shape, head_group_boundaries(a, h)); }))
    legend.push_back({LegendEntry::Kind::Line, st.theme.group_boundary, a.build.boundary_name + " boundary"});
  if (std::any_of(cells.begin(), cells.end(), [](const HeadCells& c) { return !matrix_empty_rows(c.rows).empty(); }))
    legend.push_back({LegendEntry::Kind::Hatch, st.theme.axis, "row reads no key"});
  const std::string caption = figure_caption(a, o);
  const double text_width = st.width - 2 * st.margin;
  const double below = measure_height([&](Figure& f, double y0) {
    return draw_caption(f, st, 0, draw_legend(f, st, 0, y0, text_width, legend), text_width, caption);
  });

  std::vector<const std::vector<float>*> shown;
  if (!o.mask_only)  // a mask figure may come from a structure-only analysis
    for (const HeadCells& c : cells) shown.push_back(&c.weights());
  const WeightScale scale = o.mask_only ? WeightScale{} : weight_scale(shown);
  const float vmax = scale.vmax;

  const int cols = panel_columns(st, static_cast<int>(heads.size()));
  const double bar = o.mask_only ? 0 : colorbar_width(st, scale);
  const PanelLayout layout = layout_panels(st, shape, static_cast<int>(heads.size()), cols, y, bar,
                                           st.height > 0 ? st.height - st.margin - below : 0);

  std::vector<std::string> headers;
  for (int h : heads) headers.push_back(head_header(a, h));
  draw_panel_headers(fig, st, layout, cols, headers);
  for (size_t i = 0; i < heads.size(); ++i) {
    const int h = heads[i];
    const MatrixGrid& g = layout.grids[i];
    fig.matrices.push_back({g.box(), g.n, h, a.scene.variant, g.width(), g.row0, g.col0});
    const ProgressSpan panel(computed + (1 - computed) * i / heads.size(), computed + (1 - computed) * (i + 1) / heads.size());
    matrix_draw_head(fig, st, g, a, h, cells[i], o, vmax, i % cols == 0);
  }
  if (!o.mask_only) {
    const MatrixGrid& g = layout.grids.front();
    draw_colorbar(fig, st, {layout.right + st.gap, g.y, st.label, g.box().h}, scale, "attention weight");
  }

  y = draw_legend(fig, st, st.margin, layout.bottom + st.gap * 0.6, text_width, legend);
  y = draw_caption(fig, st, st.margin, y, text_width, caption);
  fig.height = y + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

}  // namespace attnscope::figure
