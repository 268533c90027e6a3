// A model stack: each layer's mask (the union of its heads, leaks marked) with the pattern its
// stack entry gives, and the receptive field through the layers, per query, as a heatmap: after
// layer l, how much of query q's prefix can reach it.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/analysis/stack_model.hpp"
#include "core/base/digits.hpp"
#include "core/base/progress_scope.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/panel_layout.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/params_text.hpp"
#include "core/presentation/stack_text.hpp"

namespace attnscope::figure {

namespace {

constexpr int kMaxPanels = 8;  // layers drawn as matrices; the heatmap shows every layer

}  // namespace

Figure view_stack(const Analysis& a, const FigureOptions& o) {
  if (a.scene.stack.empty())
    throw SceneError("view: --view stack draws a model's layers; give --stack or a scene file with a stack");
  const Style st = style_for(o);
  const StackModel model = stack_model(a.scene, {});
  const StackReach reach = stack_model_reach(model, int64_t{1} << 30, true);
  const int n = a.n(), layers = model.layers();
  Figure fig = figure_page(st);
  fig.title = o.title.empty() ? fmt::format("{} layers, each with its own pattern", layers) : o.title;
  double y = draw_title(fig, st, st.margin, fig.title,
                        fmt::format("N={} \u00b7 H={} \u00b7 union of heads per layer \u00b7 {} policy", n, a.heads(),
                                    a.scene.policy));
  const int panels = std::min(layers, kMaxPanels);
  const int cols = std::min(panels, 4);
  const PanelLayout layout = layout_panels(st, n, panels, cols, y, 0, 0);
  std::vector<std::string> headers;
  for (int l = 0; l < panels; ++l) headers.push_back(fmt::format("{} \u00b7 {}", l, stack_layer_text(model.layer(l))));
  draw_panel_headers(fig, st, layout, cols, headers);
  for (int l = 0; l < panels; ++l) {
    const ProgressSpan panel(static_cast<double>(l) / panels, static_cast<double>(l + 1) / panels);
    const MatrixGrid& g = layout.grids[l];
    const RowRuns allowed = heads_union(model.layer(l).build.masks);
    matrix_draw_layers(fig, g, st.theme.masked, {{&allowed, matrix_allowed_color(st)}});
    matrix_draw_leaks(fig, g, heads_union(model.layer(l).leaks), st);
    matrix_draw_axes(fig, g, st, l % cols == 0);
    fig.matrices.push_back({g.box(), g.n, -1, fmt::format("layer {}", l)});
  }
  y = layout.bottom + st.gap;
  // One row per layer, one column per query: the share of the query's prefix [0, q] that can
  // reach it after that layer (tokens after q count only when a leak brings them).
  const double label_w = st.tick * 6;
  const double plot_w = st.width - 2 * st.margin - label_w;
  const double cell_h = std::clamp(plot_w / std::max(n, 1), st.tick * 0.3, st.tick * 0.6);
  const double x0 = st.margin + label_w;
  fig.items.push_back(Text{x0, y, "receptive field: the share of each query's prefix that can reach it after each layer (dark: little, yellow: all)",
                           st.label, st.theme.text, Align::Left, Anchor::Top});
  y += st.label * 1.6;
  Raster raster{{x0, y, plot_w, cell_h * layers}, n, layers, {}};
  for (int l = 0; l < layers; ++l)
    for (int q = 0; q < n; ++q)
      raster.pixels.push_back(colormap_sample(st.colormap, std::min(1.f, static_cast<float>(reach.counts[l][q]) / (q + 1))));
  fig.items.push_back(std::move(raster));
  fig.items.push_back(StrokeBoxes{st.theme.axis, st.line, {{x0, y, plot_w, cell_h * layers}}});
  const int every = std::max(1, static_cast<int>(std::ceil(st.tick * 1.2 / cell_h)));
  for (int l = 0; l < layers; l += every)
    fig.items.push_back(Text{x0 - st.tick * 0.4, y + (l + 0.5) * cell_h, fmt::format("layer {}", l), st.tick,
                             st.theme.text, Align::Right, Anchor::Middle});
  y += cell_h * layers + st.tick * 0.4;
  fig.items.push_back(Text{x0 + plot_w / 2, y, fmt::format("query q = 0..{}", n - 1), st.tick, st.theme.text,
                           Align::Center, Anchor::Top});
  y += st.tick * 1.8;
  std::string text = counts_grouped(stack_whole_prefix_text(reach, n)) + ".";
  text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));  // a sentence of the caption
  text += reach.next.first < 0
              ? " No query can depend on its own next token."
              : fmt::format(" After layer {} query {} can depend on token {}, its own next token.", reach.next.first - 1,
                            reach.next.query, reach.next.query + 1);
  if (layers > panels) text += fmt::format(" The matrices show the first {} of {} layers.", panels, layers);
  std::vector<LegendEntry> legend = {{LegendEntry::Kind::Swatch, matrix_allowed_color(st), "allowed"},
                                     {LegendEntry::Kind::Swatch, st.theme.masked, "masked"}};
  // The leak mark is explained only where the drawn layers have a leak to mark.
  int64_t leaks = 0;
  for (int l = 0; l < panels; ++l) leaks += model.layer(l).metrics.total_leaks;
  if (leaks > 0) legend.push_back({LegendEntry::Kind::Leak, st.theme.leak, leak_legend_label(a.scene.policy)});
  y = draw_legend(fig, st, st.margin, y, st.width - 2 * st.margin, legend);
  figure_close(fig, st, y, text, figure_caption(a, o));
  return fig;
}

}  // namespace attnscope::figure
