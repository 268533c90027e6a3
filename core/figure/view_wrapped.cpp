// The wrapped group, zoomed: the shifted head's group that joins the sequence's two ends, drawn
// in frame order (as the group-reshape computes it: block-causal on slots) beside token order
// (as the model sees it: the first tokens read the last ones, the leak).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/weight_scale.hpp"

namespace attnscope::figure {

namespace {

// Cells (rows[i], cols[j]) of one head as a small matrix with token labels on both axes.
void draw_block(Figure& fig, const Style& st, const Analysis& a, int head, const std::vector<int>& tokens,
                const std::vector<std::string>& labels, double x, double y, double cell,
                const WeightScale& scale, const std::string& title) {
  const auto& table = scale.table(st.colormap);
  const int g = static_cast<int>(tokens.size());
  fig.items.push_back(Text{x + g * cell / 2, y - st.label * 0.5, title, st.label, st.theme.text, Align::Center,
                           Anchor::Baseline, true});
  const double lw = std::max(0.8, cell * 0.07);
  StrokeBoxes outline{st.theme.leak, lw, {}, true};
  StrokeSegments cross{st.theme.leak, lw, {}, true};
  for (int i = 0; i < g; ++i)
    for (int j = 0; j < g; ++j) {
      const int q = tokens[i], k = tokens[j];
      const Box b{x + j * cell, y + i * cell, cell, cell};
      const bool on = a.allowed(head, q, k);
      const float w = on ? a.weight(0, head, q, k) : 0.f;
      const Rgb8 c = on ? table[scale.color_index(w)] : st.theme.masked;
      fig.items.push_back(FillBoxes{c, {b}});
      if (a.leaks_at(head, q, k)) {
        outline.boxes.push_back({b.x + lw / 2, b.y + lw / 2, cell - lw, cell - lw});
        const double in = cell * 0.22;
        cross.segments.push_back({b.x + in, b.y + in, b.x + cell - in, b.y + cell - in});
        cross.segments.push_back({b.x + cell - in, b.y + in, b.x + in, b.y + cell - in});
      }
    }
  fig.items.push_back(std::move(outline));
  fig.items.push_back(std::move(cross));
  fig.items.push_back(StrokeBoxes{st.theme.axis, st.line, {{x, y, g * cell, g * cell}}});
  for (int i = 0; i < g; ++i) {
    fig.items.push_back(Text{x - st.tick * 0.4, y + (i + 0.5) * cell, labels[i], st.tick, st.theme.text, Align::Right,
                             Anchor::Middle});
    // Column labels stack their parts ("slot 12" over "t14") so neighbours never overlap.
    double ly = y + g * cell + st.tick * 0.3;
    for (size_t b = 0, e; b <= labels[i].size(); b = e + 4) {  // " · " is 4 bytes
      e = std::min(labels[i].find(" \u00b7 ", b), labels[i].size());
      fig.items.push_back(Text{x + (i + 0.5) * cell, ly, labels[i].substr(b, e - b), st.tick, st.theme.text,
                               Align::Center, Anchor::Top});
      ly += st.tick * 1.2;
    }
  }
}

}  // namespace

Figure view_wrapped(const Analysis& a, const FigureOptions& o) {
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  if (!a.build.frame) throw SceneError("view: the wrapped view needs a grouped variant (s2, s2-fix-mask, short)");
  const int n = a.n();
  int head = -1, group = -1;
  for (int h = 0; h < a.heads() && head < 0; ++h) {
    const HeadFrame& f = a.build.frame->heads[h];
    const int s0 = f.segment_of_slot(f.slot_of_token[0]);
    if (s0 == f.segment_of_slot(f.slot_of_token[n - 1])) head = h, group = s0;
  }
  if (head < 0 || n < 2)
    throw SceneError("view: no head of this scene has a wrapped group; use a rolled variant such as s2");
  const HeadFrame& f = a.build.frame->heads[head];
  std::vector<int> frame_tokens(f.token_at_slot.begin() + f.segment_begin(group),
                                f.token_at_slot.begin() + f.segment_end(group));
  std::vector<int> token_order = frame_tokens;
  std::sort(token_order.begin(), token_order.end());

  fig.title = o.title.empty() ? fmt::format("The wrapped group of head {}, zoomed", head) : o.title;
  double y = draw_title(fig, st, st.margin, fig.title, scene_summary(a));
  const int g = static_cast<int>(frame_tokens.size());
  const double side = (st.width - 2 * st.margin - st.label * 10) / 2;
  const double cell = std::min(st.label * 4.0, side / g);
  const WeightScale scale = weight_scale({&a.attention.head(0, head).weights});
  std::vector<std::string> frame_labels, token_labels;
  for (int t : frame_tokens) frame_labels.push_back(fmt::format("slot {} \u00b7 t{}", f.slot_of_token[t], t));
  for (int t : token_order) token_labels.push_back(fmt::format("t{}", t));
  const double label_w = text_width(frame_labels.back(), st.tick) + st.tick;
  y += st.label * 1.6;
  const double x1 = st.margin + label_w;
  draw_block(fig, st, a, head, frame_tokens, frame_labels, x1, y, cell, scale, "frame order (what is computed)");
  const double x2 = x1 + g * cell + st.label * 4 + text_width("t00", st.tick);
  draw_block(fig, st, a, head, token_order, token_labels, x2, y, cell, scale, "token order (what the model sees)");
  // In token order the group is two runs of tokens; a line marks where the run breaks.
  StrokeSegments split{st.theme.text, st.line * 2, {}};
  for (int i = 1; i < g; ++i)
    if (token_order[i] != token_order[i - 1] + 1) {
      split.segments.push_back({x2 + i * cell, y, x2 + i * cell, y + g * cell});
      split.segments.push_back({x2, y + i * cell, x2 + g * cell, y + i * cell});
    }
  fig.items.push_back(std::move(split));
  y += g * cell + st.tick * 3.4;
  y = draw_legend(fig, st, st.margin, y, st.width - 2 * st.margin,
                  {{LegendEntry::Kind::Swatch, st.theme.masked, "masked"},
                   {LegendEntry::Kind::Leak, st.theme.leak, "leak: a query reads a later token"}});
  int64_t leaks = 0;
  for (int q : frame_tokens)
    for (int k : frame_tokens) leaks += a.leaks_at(head, q, k);
  size_t brk = 1;
  while (brk < token_order.size() && token_order[brk] == token_order[brk - 1] + 1) ++brk;
  const std::vector<int> early(token_order.begin(), token_order.begin() + brk), late(token_order.begin() + brk, token_order.end());
  const std::string text = fmt::format(
      "Colours are attention weights (viridis, dark to bright). Left: the group as the attention computes it, one batch row after the group-reshape; rows are "
      "queries, columns keys, both in frame order (slots {}..{}). The causal mask there is the ordinary lower "
      "triangle on slots. Right: the same cells, rows and columns sorted by token. In the frame, tokens {} sit "
      "after tokens {}, so the triangle on slots lets them read tokens that come later in the text: {} leaking "
      "cells, all of this head's leaks. In the full heatmap these cells are the four corner pieces of this one "
      "group.",
      f.segment_begin(group), f.segment_end(group) - 1, fmt::join(early, ", "), fmt::join(late, ", "), leaks);
  figure_close(fig, st, y, text, figure_caption(a, o));
  return fig;
}

}  // namespace attnscope::figure
