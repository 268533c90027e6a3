// The compare view: the scene's variant beside each `compare` variant on the same q, k, v, the
// cell-wise difference of their masks, and the metrics that tell them apart.
#include <fmt/format.h>

#include <algorithm>

#include "core/base/progress_scope.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/panel_layout.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/compare.hpp"

namespace attnscope::figure {

namespace {

const Rgb8 kOnlyA = diff_color(DiffOp::AMinusB);
const Rgb8 kOnlyB = diff_color(DiffOp::BMinusA);
const Rgb8 kBoth = diff_color(DiffOp::Both);

// The analyses of the compared variants (compare_variants, after the scene's own): the ones given
// when they show exactly the compared scene, the others computed here.
std::vector<std::shared_ptr<const Analysis>> compared(const Analysis& a, const ComparedAnalyses& given) {
  const std::vector<std::string> variants = compare_variants(a.scene);
  if (variants.size() < 2)
    throw SceneError(fmt::format("compare: {} is never compared with itself and names no other variant; name "
                                 "one, e.g. --compare full,s2-fix-mask", a.scene.variant));
  std::vector<std::shared_ptr<const Analysis>> out;
  for (size_t i = 1; i < variants.size(); ++i) {
    const std::string& name = variants[i];
    const Scene scene = compare_scene(a.scene, name);
    const auto held = std::find_if(given.begin(), given.end(),
                                   [&](const auto& analysis) { return analysis && analysis->scene == scene; });
    out.push_back(held != given.end() ? *held : analyze(scene));
  }
  return out;
}

// One row per variant; columns right-aligned after the name.
double draw_metrics(Figure& fig, const Style& st, double y, const std::vector<const Analysis*>& all) {
  std::vector<std::vector<std::string>> rows = {compare_columns(all.front()->scene.policy)};
  for (const Analysis* x : all) rows.push_back(compare_row(*x));
  return draw_table(fig, st, st.margin, y, rows);
}

// The scene's variant beside `others` for `heads`: each head a row of panels.
Figure compare_figure(const Analysis& a, const FigureOptions& o, const std::vector<int>& heads,
                      const std::vector<std::shared_ptr<const Analysis>>& others) {
  const Style st = style_for(o);
  std::vector<const Analysis*> all{&a};
  for (const auto& b : others) all.push_back(b.get());

  Figure fig = figure_page(st);
  std::string names = a.scene.variant;
  for (const auto& b : others) names += " vs " + b->scene.variant;
  fig.title = figure_title(a, o, names);
  double y = draw_title(fig, st, st.margin, fig.title,
                        scene_summary(a) + " \u00b7 the same q, k, v for every variant");

  // Compared panels show weights (or masks) at every step, as the GUI's compare view does.
  FigureOptions panels = o;
  panels.step = -1;
  // A variant whose weights are not computed shows its allowed cells, and the page then no scale.
  const bool valued = std::all_of(all.begin(), all.end(),
                                  [&](const Analysis* x) { return heatmap_drawn(*x, panels) == CellsDrawn::Weights; });
  std::vector<LegendEntry> legend;
  if (o.mask_only) legend.push_back({LegendEntry::Kind::Swatch, matrix_allowed_color(st), "allowed"});
  else if (!valued) legend.push_back({LegendEntry::Kind::Swatch, st.theme.allowed, allowed_cells_label(StepCells::Weights)});
  legend.push_back({LegendEntry::Kind::Swatch, st.theme.masked, "masked"});
  legend.push_back({LegendEntry::Kind::Leak, st.theme.leak, leak_legend_label(a.scene.policy)});
  legend.push_back({LegendEntry::Kind::Swatch, kOnlyA, "only in " + a.scene.variant});
  legend.push_back({LegendEntry::Kind::Swatch, kOnlyB,
                    others.size() == 1 ? "only in " + others.front()->scene.variant : "only in the compared variant"});
  legend.push_back({LegendEntry::Kind::Swatch, kBoth, "in both"});
  const bool empty_rows = std::any_of(all.begin(), all.end(), [&](const Analysis* x) {
    return std::any_of(heads.begin(), heads.end(), [&](int h) { return !matrix_empty_rows(x->mask(h)).empty(); });
  });
  if (empty_rows) legend.push_back({LegendEntry::Kind::Hatch, st.theme.axis, "row reads no key"});
  const double text_w = st.width - 2 * st.margin;

  const int per_row = static_cast<int>(1 + 2 * others.size());
  const int count = per_row * static_cast<int>(heads.size());
  // What goes under the panels, as drawn there: the gap, the metrics, one line per difference,
  // the legend and the caption.
  const double diff_lines_h = st.tick * 1.4 * static_cast<double>(heads.size() * others.size());
  const double below = st.gap * 0.6 + measure_height([&](Figure& f, double y0) {
    const double table_end = draw_metrics(f, st, y0, all) + diff_lines_h;
    return draw_caption(f, st, 0, draw_legend(f, st, 0, table_end + st.label * 0.4, text_w, legend), text_w,
                        figure_caption(a, o));
  });
  std::vector<const std::vector<float>*> shown;
  if (valued)
    for (const Analysis* x : all)
      for (int h : heads) shown.push_back(&x->attention.head(o.batch, h).weights);
  const WeightScale scale = valued ? weight_scale(shown) : WeightScale{};
  const double bar = valued ? colorbar_width(st, scale) : 0;
  const PanelLayout layout = layout_panels(st, a.n(), count, per_row, y, bar,
                                           st.height > 0 ? st.height - st.margin - below : 0);

  std::vector<std::string> headers;
  for (int h : heads) {
    for (const Analysis* x : all) headers.push_back(fmt::format("{} \u00b7 head {}", x->scene.variant, h));
    for (const auto& b : others) headers.push_back(fmt::format("{} vs {}", a.scene.variant, b->scene.variant));
  }
  draw_panel_headers(fig, st, layout, per_row, headers);

  std::vector<std::string> diff_lines;
  for (size_t r = 0; r < heads.size(); ++r) {
    const int h = heads[r];
    for (size_t c = 0; c < all.size(); ++c) {
      const MatrixGrid& g = layout.grids[r * per_row + c];
      const ProgressSpan panel(static_cast<double>(r * per_row + c) / layout.grids.size(),
                               static_cast<double>(r * per_row + c + 1) / layout.grids.size());
      matrix_draw_head(fig, st, g, *all[c], h, head_cells(*all[c], h, panels), panels, scale, c == 0);
      fig.matrices.push_back({g.box(), g.n, h, all[c]->scene.variant});
    }
    for (size_t i = 0; i < others.size(); ++i) {
      const MatrixGrid& g = layout.grids[r * per_row + all.size() + i];
      const ProgressSpan panel(static_cast<double>(r * per_row + all.size() + i) / layout.grids.size(),
                               static_cast<double>(r * per_row + all.size() + i + 1) / layout.grids.size());
      const RowRuns& ma = a.mask(h);
      const RowRuns& mb = others[i]->mask(h);
      const RowRuns only_a = diff_cells(ma, mb, DiffOp::AMinusB), only_b = diff_cells(ma, mb, DiffOp::BMinusA);
      const RowRuns both = diff_cells(ma, mb, DiffOp::Both);
      fig.matrices.push_back({g.box(), g.n, h, a.scene.variant + " vs " + others[i]->scene.variant});
      matrix_draw_layers(fig, g, st.theme.masked, {{&both, kBoth}, {&only_a, kOnlyA}, {&only_b, kOnlyB}});
      matrix_draw_axes(fig, g, st, false);
      diff_lines.push_back(fmt::format("head {}: only in {} {} \u00b7 only in {} {} \u00b7 in both {}", h,
                                       a.scene.variant, only_a.count(), others[i]->scene.variant,
                                       only_b.count(), both.count()));
    }
  }
  if (valued) {
    const MatrixGrid& g = layout.grids.front();
    draw_colorbar(fig, st, {layout.right + st.gap, g.y, st.label, g.cell * g.n}, scale, "attention weight");
  }

  y = draw_metrics(fig, st, layout.bottom + st.gap * 0.6, all);
  for (const std::string& line : diff_lines) {
    fig.items.push_back(Text{st.margin, y, line, st.tick, st.theme.text, Align::Left, Anchor::Top});
    y += st.tick * 1.4;
  }
  y = draw_legend(fig, st, st.margin, y + st.label * 0.4, text_w, legend);
  y = draw_caption(fig, st, st.margin, y, text_w, figure_caption(a, o));
  fig.height = y + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

}  // namespace

Figure view_compare(const Analysis& a, const FigureOptions& o, const ComparedAnalyses& given) {
  const std::vector<int> heads = heads_selected(a, o);
  return compare_figure(a, o, heads, compared(a, given));
}

std::vector<DeckPage> view_compare_slides(const Analysis& a, const FigureOptions& o, const ComparedAnalyses& given) {
  const std::vector<int> heads = heads_selected(a, o);
  const auto others = compared(a, given);
  FigureOptions slide = o;
  slide.view = FigureView::Compare;
  slide.size = FigureSize::Slide;
  // One comparison a page: the scene's variant, one other and their difference, for one head.
  std::vector<DeckPage> pages;
  for (int h : heads)
    for (const auto& b : others)
      pages.push_back({fmt::format("head-{}-{}", h, b->scene.variant), compare_figure(a, slide, {h}, {b})});
  return pages;
}

}  // namespace attnscope::figure
