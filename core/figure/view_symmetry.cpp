// The ±G/2 symmetry: the shifted head's groups under the scene's roll and under the roll that
// differs from it by G (−G/2 and +G/2 when G is even), drawn as batch rows with each row joined
// to its twin. Same groups, same order inside each, another order along the batch.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/token_grid.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/shift_symmetry.hpp"
#include "core/presentation/token_motion.hpp"

namespace attnscope::figure {

namespace {

bool wraps(const std::vector<int>& row) {
  for (size_t i = 1; i < row.size(); ++i)
    if (row[i] != row[i - 1] + 1) return true;
  return false;
}

// One roll's batch rows side by side; returns each row's box.
std::vector<Box> draw_rows(Figure& fig, const Style& st, const ShiftGroups& groups, double x,
                           double y, double cell, double gap, const std::string& label) {
  fig.items.push_back(Text{x, y - st.label * 0.3, label, st.label, st.theme.text, Align::Left, Anchor::Baseline, true});
  std::vector<Box> boxes;
  int n = 0;
  for (const auto& row : groups.rows) n += static_cast<int>(row.size());
  for (size_t r = 0; r < groups.rows.size(); ++r) {
    const auto& row = groups.rows[r];
    const double bx = x + r * (row.size() * cell + gap);
    for (size_t i = 0; i < row.size(); ++i) {
      const Rgb8 c = token_color(row[i], n);
      fig.items.push_back(FillBoxes{c, {{bx + i * cell + 0.4, y + 0.4, cell - 0.8, cell - 0.8}}});
      fig.items.push_back(Text{bx + (i + 0.5) * cell, y + cell / 2, std::to_string(row[i]), std::min(st.label, cell * 0.55),
                               text_color_on(c), Align::Center, Anchor::Middle});
    }
    const Box box{bx, y, row.size() * cell, cell};
    fig.items.push_back(StrokeBoxes{wraps(row) ? st.theme.leak : st.theme.axis, wraps(row) ? st.line * 3 : st.line, {box}});
    fig.items.push_back(Text{bx + box.w / 2, y + cell + st.tick * 0.3, fmt::format("batch row {}", r), st.tick,
                             st.theme.axis, Align::Center, Anchor::Top});
    boxes.push_back(box);
  }
  return boxes;
}

}  // namespace

Figure view_symmetry(const Analysis& a, const FigureOptions& o) {
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  const int n = a.n(), g = std::max(1, a.scene.g);
  const int shift_a = a.scene.effective_shift();
  const int shift_b = shift_a < 0 ? shift_a + g : shift_a - g;
  const ShiftSymmetry sym = shift_symmetry(n, g, shift_a, shift_b);
  fig.title = o.title.empty() ? fmt::format("A roll by {} and a roll by {} give the same groups", shift_text(shift_a),
                                            shift_text(shift_b))
                              : o.title;
  double y = draw_title(fig, st, st.margin, fig.title,
                        fmt::format("the shifted head of s2 \u00b7 N={} \u00b7 G={} \u00b7 after group-reshape, "
                                    "each group is one batch row",
                                    n, g));
  const int groups = static_cast<int>(sym.a.rows.size());
  const double gap = st.label * 1.2;
  const double cell = std::min(st.label * 2.4, (st.width - 2 * st.margin - (groups - 1) * gap) / n);
  y += st.label * 1.2;
  const std::vector<Box> top = draw_rows(fig, st, sym.a, st.margin, y, cell, gap,
                                         fmt::format("torch.roll by {} (shift {})", shift_text(shift_a), shift_text(shift_a)));
  const double lower = y + cell + st.tick * 1.6 + cell * 2.5;
  const std::vector<Box> bottom = draw_rows(fig, st, sym.b, st.margin, lower, cell, gap,
                                            fmt::format("torch.roll by {} (shift {})", shift_text(shift_b), shift_text(shift_b)));
  StrokeSegments links{st.theme.axis, st.line * 1.2, {}};
  for (size_t r = 0; r < sym.row_in_b.size(); ++r)
    if (sym.row_in_b[r] >= 0) {
      const Box& from = top[r];
      const Box& to = bottom[sym.row_in_b[r]];
      links.segments.push_back({from.x + from.w / 2, from.y + from.h + st.tick * 1.5, to.x + to.w / 2, to.y - st.label * 1.7});
    }
  fig.items.push_back(std::move(links));
  y = lower + cell + st.tick * 2.2;

  std::vector<std::string> moves;
  for (size_t r = 0; r < sym.row_in_b.size(); ++r)
    if (sym.row_in_b[r] >= 0 && sym.row_in_b[r] != static_cast<int>(r))
      moves.push_back(fmt::format("{}\u2192{}", r, sym.row_in_b[r]));
  const auto wrapped = std::find_if(sym.a.rows.begin(), sym.a.rows.end(), wraps);
  const std::vector<int> wrapped_tokens = wrapped == sym.a.rows.end() ? std::vector<int>{} : *wrapped;
  std::string text =
      sym.same_groups
          ? fmt::format("Same groups, each with its tokens in the same order (the wrapped group, outlined in red, "
                        "holds {} in both); only the groups' order along the batch differs (batch rows {}). Each "
                        "batch row attends on its own, so the order of rows changes nothing: the two masks differ "
                        "in {} cells. Why: the rolls differ by G = {}, and moving every token by a whole group "
                        "only renumbers the groups.",
                        fmt::join(wrapped_tokens, ", "), fmt::join(moves, ", "), sym.mask_difference, g)
          : fmt::format("Different groups: the rolls differ by {}, not by a multiple of G = {}; the masks differ in "
                        "{} cells.",
                        std::abs(shift_a - shift_b), g, sym.mask_difference);
  if (g % 2 == 1) {
    const ShiftSymmetry naive = shift_symmetry(n, g, shift_a, -shift_a);
    text += fmt::format(" With odd G there is no half group: {} and {} differ by {}, not by a multiple of G, so they "
                        "make other groups ({} mask cells differ). The code's roll back by G//2 = {} is {}'s partner "
                        "in groups but not its inverse ({}): every output lands one position off, see the odd-G "
                        "preset 06_s2_odd_g_floor.json.",
                        shift_text(shift_a), shift_text(-shift_a), 2 * std::abs(shift_a), naive.mask_difference,
                        shift_text(g / 2), shift_text(shift_a), shift_text(-shift_a));
  }
  figure_close(fig, st, y, text, figure_caption(a, o));
  return fig;
}

}  // namespace attnscope::figure
