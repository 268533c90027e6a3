// The cost view: allowed cells and attention FLOPs per head of every variant at the scene's
// numbers, measured against full causal attention and the dense square, and what one whole
// transformer layer costs around them.
#include <fmt/format.h>

#include <algorithm>

#include "core/analysis/cost.hpp"
#include "core/base/digits.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"

namespace attnscope::figure {

Figure view_cost(const Analysis& a, const FigureOptions& o) {
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  fig.title = o.title.empty() ? fmt::format("What attention costs per head at N = {}", digits_grouped(a.n())) : o.title;
  double y = draw_title(fig, st, st.margin, fig.title, scene_summary(a));
  // A slide (fixed 16:9 page at projector type) has room for the S2 family, its formulas and its
  // bars only; the long notes are for the page figure.
  const bool slide = st.height > 0;
  const CostTable t = cost_table(a.scene, a.qkv,
                                 slide ? std::vector<std::string>{"full", "s2", "s2-fix-mask", "s2-fix-split"}
                                       : std::vector<std::string>{});
  std::vector<std::vector<std::string>> rows = {
      {"variant", "cells per head", "attention FLOPs per head", "vs full", "vs dense"},
      {"dense (N\u00b2)", cost_number_text(t.dense_cells), cost_number_text(cost_attention_flops(t.dense_cells, t.d)), fmt::format("{:.4f}\u00d7", double(t.dense_cells) / t.full_cells), "1.0000\u00d7"},
  };
  for (const CostRow& r : t.rows) {
    if (!r.error.empty()) continue;
    rows.push_back({r.variant, cost_number_text(r.cells_per_head), cost_number_text(r.flops_per_head),
                    fmt::format("{:.4f}\u00d7", r.vs_full), fmt::format("{:.4f}\u00d7", r.vs_dense)});
  }
  y = draw_table(fig, st, st.margin, y, rows);
  // The closed forms, one line per formula with the variants that share it.
  std::vector<std::pair<std::string, std::string>> formulas;  // formula -> variants
  for (const CostRow& r : t.rows) {
    if (!r.error.empty() || r.formula == "counted") continue;
    auto it = std::find_if(formulas.begin(), formulas.end(), [&](const auto& f) { return f.first == r.formula; });
    if (it == formulas.end()) formulas.push_back({r.formula, r.variant});
    else it->second += ", " + r.variant;
  }
  y += st.gap * 0.4;
  for (const auto& [formula, variants] : formulas)
    y = draw_caption(fig, st, st.margin, y, st.width - 2 * st.margin,
                     fmt::format("{}: {}", variants, counts_grouped(formula)));
  if (!slide)
    y = draw_caption(fig, st, st.margin, y, st.width - 2 * st.margin,
                     "(heads that differ are separated by |; the other variants are counted from their masks)");

  // Bars: each variant's cells per head as a share of the dense square, with full marked.
  y += st.gap;
  const double name_w = st.label * 7, bar_w = st.width - 2 * st.margin - name_w - st.label * 7.5;
  const double bar_h = st.tick * 1.1, row_h = bar_h * 1.5;
  const double full_x = st.margin + name_w + bar_w * (double(t.full_cells) / t.dense_cells);
  const double bars_top = y;
  for (const CostRow& r : t.rows) {
    if (!r.error.empty()) continue;
    fig.items.push_back(Text{st.margin + name_w - st.label * 0.4, y + bar_h / 2, r.variant, st.tick, st.theme.text,
                             Align::Right, Anchor::Middle});
    fig.items.push_back(FillBoxes{st.theme.masked, {{st.margin + name_w, y, bar_w, bar_h}}, false});
    const Rgb8 c = r.variant == a.scene.variant ? category_color(6) : category_color(5);
    fig.items.push_back(FillBoxes{c, {{st.margin + name_w, y, bar_w * r.vs_dense, bar_h}}, false});
    fig.items.push_back(Text{st.margin + name_w + bar_w + st.label * 0.4, y + bar_h / 2,
                             fmt::format("{:.1f}% of full", 100 * r.vs_full), st.tick, st.theme.text, Align::Left,
                             Anchor::Middle});
    y += row_h;
  }
  fig.items.push_back(StrokeSegments{st.theme.text, st.line * 1.5, {{full_x, bars_top - 2, full_x, y}}});
  fig.items.push_back(Text{full_x, y + 1, "full = N(N+1)/2", st.tick, st.theme.text, Align::Center, Anchor::Top});
  fig.items.push_back(Text{st.margin + name_w + bar_w, y + 1, "dense = N\u00b2", st.tick, st.theme.text,
                           Align::Right, Anchor::Top});
  y += st.tick * 2.2;
  if (slide) {
    fig.height = y + st.margin;
    figure_fit(fig, st.height);
    return fig;
  }

  // One LLaMA-2 7B layer at this N, with the scene's pattern in every head.
  const CostRow& own = t.rows.front();
  const LayerCost layer = cost_layer(a.n(), kLlamaModel, kLlamaFf, kLlamaHeads, own.cells_per_head);
  const std::string text = counts_grouped(fmt::format(
      "What is not saved. One LLaMA-2 7B layer at N = {} (d_model {}, {} heads of 128, MLP {}): the q, k, "
      "v, o projections cost {} FLOPs and the MLP {}, whatever the pattern. Attention costs {} with "
      "full causal attention and {} with {} in every head, so the whole layer goes from {} to {} "
      "FLOPs ({:.1f}% saved; attention alone {:.1f}%).",
      a.n(), kLlamaModel, kLlamaHeads, kLlamaFf, cost_number_text(layer.projections), cost_number_text(layer.mlp), cost_number_text(layer.attention_full),
      cost_number_text(layer.attention), a.scene.variant, cost_number_text(layer.total_full()), cost_number_text(layer.total()),
      100 * (1 - layer.total() / layer.total_full()), 100 * (1 - layer.attention / layer.attention_full)));
  const double text_w = st.width - 2 * st.margin;
  y = draw_caption(fig, st, st.margin, y, text_w, text);
  y = draw_caption(fig, st, st.margin, y + st.gap * 0.5, text_w,
                   counts_grouped(fmt::format("Cells are counted from each variant's mask at N = {}, G = {}, H = {}; "
                                              "attention FLOPs per head = 4\u00b7D\u00b7cells with D = {} (q\u00b7k and "
                                              "weight\u00b7v, 2\u00b7D each). full = full causal attention; dense = the "
                                              "whole N\u00d7N square. ",
                                              a.n(), a.scene.g, a.heads(), a.scene.d)) +
                       figure_caption(a, o));
  fig.height = y + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

}  // namespace attnscope::figure
