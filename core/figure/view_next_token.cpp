// Why a leak matters: a language model is trained to predict token q+1 at position q. Stacking
// layers of the scene's pattern, this view marks, per number of layers, the queries whose output
// can already depend on their own next token, so the model could copy its training target.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"
#include "core/reach/reach.hpp"

namespace attnscope::figure {

namespace {
constexpr int kMaxLayers = 64;
}

Figure view_next_token(const Analysis& a, const FigureOptions& o) {
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  const int n = a.n();
  std::vector<RowRuns> masks(a.build.masks.begin(), a.build.masks.end());
  const NextTokenReach r = reach_next_token(masks, kMaxLayers);
  fig.title = o.title.empty() ? "Why a leak matters: when can a query see its own next token?" : o.title;
  double y = draw_title(fig, st, st.margin, fig.title, scene_summary(a));
  // Rows up to the layer after which every query sees its next token, the number the caption and
  // `mask --layers` state; a pattern where some query never does shows two rows past the first.
  const int all_at = r.every_query_at();
  int last = 0;
  for (int l : r.layer) last = std::max(last, l);
  const int layers = std::clamp(r.first < 0 ? 4 : all_at >= 0 ? all_at : std::max(last, r.first + 2), 1, kMaxLayers);
  const double label_w = text_width("layers 00", st.tick) + st.tick;
  const double plot_w = st.width - 2 * st.margin - label_w;
  const double cell_w = plot_w / std::max(1, n - 1);
  // A slide's fixed page keeps the rows low, so its paragraph keeps the projector type.
  const double cell_h = std::clamp(plot_w / (n - 1), st.tick * 1.0, st.tick * (st.height > 0 ? 1.4 : 2.2));
  const double x0 = st.margin + label_w;
  y += st.tick;
  // One row per number of layers, one column per query 0..N-2; a red cell: after that many layers
  // the query's output can depend on token q+1.
  Raster raster{{x0, y, plot_w, cell_h * layers}, n - 1, layers, {}};
  for (int l = 1; l <= layers; ++l)
    for (int q = 0; q + 1 < n; ++q)
      raster.pixels.push_back(r.layer[q] >= 0 && r.layer[q] <= l ? st.theme.leak : st.theme.masked);
  fig.items.push_back(std::move(raster));
  fig.items.push_back(StrokeBoxes{st.theme.axis, st.line, {{x0, y, plot_w, cell_h * layers}}});
  const int every = std::max(1, static_cast<int>(std::ceil(st.tick * 1.2 / cell_h)));
  for (int l = 1; l <= layers; l += every)
    fig.items.push_back(Text{x0 - st.tick * 0.4, y + (l - 0.5) * cell_h, fmt::format("{} layer{}", l, l == 1 ? "" : "s"),
                             st.tick, st.theme.text, Align::Right, Anchor::Middle});
  y += cell_h * layers;
  int step = 1;
  while (text_width(std::to_string(n), st.tick) > cell_w * step * 0.9) step *= 2;
  for (int q = 0; q + 1 < n; q += step)
    fig.items.push_back(Text{x0 + (q + 0.5) * cell_w, y + st.tick * 0.3, std::to_string(q), st.tick, st.theme.text,
                             Align::Center, Anchor::Top});
  y += st.tick * 1.5;
  fig.items.push_back(Text{x0 + plot_w / 2, y, "query q (its training target is token q+1)", st.label, st.theme.text,
                           Align::Center, Anchor::Top});
  y += st.label * 1.8;
  y = draw_legend(fig, st, st.margin, y, st.width - 2 * st.margin,
                  {{LegendEntry::Kind::Swatch, st.theme.leak, "the query's output can depend on token q+1"},
                   {LegendEntry::Kind::Swatch, st.theme.masked, "it cannot (yet)"}});
  std::string text;
  if (r.first < 0)
    text = fmt::format("No query can depend on its next token within {} stacked layers: the pattern never lets "
                       "information flow backwards, so training stays honest.",
                       kMaxLayers);
  else
    text = fmt::format(
        "A language model learns by predicting, at every position q, the next token q+1. If the output at q "
        "can depend on token q+1, the model can copy the answer instead of predicting it, and training rewards "
        "that shortcut, which fails at inference, where token q+1 does not exist yet. Stacking layers of this "
        "pattern (every layer the same mask, union of the heads, plus the residual path): after {} layer{}, "
        "query {} can already depend on token {}; {}. A few leaking cells are enough: information hops "
        "forward through allowed cells and then back through the leak. LLaMA-2 7B has 32 layers.",
        r.first, r.first == 1 ? "" : "s", r.query, r.query + 1,
        all_at >= 0 ? fmt::format("after {} layer{}, every one of the {} queries can", all_at, all_at == 1 ? "" : "s", n - 1)
                   : fmt::format("after {} layers, {} of {} queries can", layers, r.count_within(layers), n - 1));
  figure_close(fig, st, y, text, figure_caption(a, o));
  return fig;
}

}  // namespace attnscope::figure
