// A routed variant's selection steps in an exported heatmap: the chosen query's blocks are drawn
// over its row, and the PNG's pixels must show what MoBA's rule, recomputed here with plain loops
// in double precision on the scene's fixed q and k, says about each block: the score's colour
// while undecided, the forced own block, the winner, the losers, the future blocks and the one
// the causal guard drops.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/routed_row.hpp"
#include "core/scene/qkv.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr int kBlock = 4;  // moba's defaults: blocks of 4, top-k 2 (the own block and one winner)
constexpr int kDpi = 150;

// MoBA's gate of block i for query q: q · mean(K_i), no 1/sqrt(D).
double gate(const Qkv& x, int q, int block) {
  double s = 0;
  for (int i = 0; i < x.d; ++i) {
    double mean = 0;
    for (int t = block * kBlock; t < (block + 1) * kBlock; ++t) mean += x.row(0, t, Qkv::K, 0)[i];
    s += static_cast<double>(x.row(0, q, Qkv::Q, 0)[i]) * mean / kBlock;
  }
  return s;
}

struct Drawn {
  figure::MatrixPlacement matrix;
  test::Image image;
};

Drawn draw(const Analysis& a, const std::string& step, int query) {
  FigureOptions o;
  o.dpi = kDpi;
  o.step = a.trace().find(step);
  o.query = query;
  EXPECT_GE(o.step, 0) << step;
  const figure::Figure fig = figure::view_heatmap(a, o);
  EXPECT_EQ(fig.matrices.size(), 1u);
  test::TempDir dir;
  figure_export(a, o, dir / "routed.png");
  return {fig.matrices.front(), test::decode_png(dir / "routed.png")};
}

// The centre of the first cell of `block` in query q's row: clear of the label centred in the
// block and of its outline.
Rgb8 block_pixel(const Drawn& d, int q, int block) {
  const auto [x, y] = test::cell_pixel(d.matrix, q, block * kBlock, kDpi);
  return d.image.at(x, y);
}

void expect_color(Rgb8 got, Rgb8 want, int tolerance, const std::string& what) {
  EXPECT_LE(test::color_distance(got, want), tolerance)
      << what << ": got " << int(got.r) << "," << int(got.g) << "," << int(got.b) << " want " << int(want.r) << ","
      << int(want.g) << "," << int(want.b);
}

class FigureRoutedRow : public testing::Test {
 protected:
  const Scene scene = test::test_scene({.variant = "moba", .n = 16, .heads = 1});
  const std::shared_ptr<const Analysis> a = analyze(scene);
  const Qkv x = qkv_generate(scene);
  const Theme& theme = theme_get(ThemeName::Light);
};

TEST_F(FigureRoutedRow, TheLastQuerysBlocksShowScoresThenForcedAndWinner) {
  const int q = 15, own = q / kBlock;  // every earlier block competes for the one free place
  std::vector<double> g(own + 1);
  double bound = 0;
  for (int i = 0; i <= own; ++i) bound = std::max(bound, std::abs(g[i] = gate(x, q, i)));
  int winner = 0;
  for (int i = 1; i < own; ++i)
    if (g[i] > g[winner]) winner = i;  // ties to the earlier block

  // The scores step: each block filled with its gate on the diverging scale. The default query is
  // the last one, as in the GUI.
  const Drawn scores = draw(*a, "gate", -1);
  for (int i = 0; i <= own; ++i)
    expect_color(block_pixel(scores, q, i), diverging_sample(static_cast<float>(g[i] / bound)), 12,
                 "gate of block " + std::to_string(i));

  const Drawn top = draw(*a, "top-k", q);
  expect_color(block_pixel(top, q, own), routed_role_color(RoutedRole::Forced, theme), 3, "own block, forced");
  expect_color(block_pixel(top, q, winner), routed_role_color(RoutedRole::Chosen, theme), 3, "the winner");
  for (int i = 0; i < own; ++i)
    if (i != winner)
      expect_color(block_pixel(top, q, i), routed_role_color(RoutedRole::Passed, theme), 3,
                   "block " + std::to_string(i) + " not chosen");
  // The marks must differ from what the matrix draws, or the checks above could pass without them.
  EXPECT_GT(test::color_distance(routed_role_color(RoutedRole::Chosen, theme), theme.masked), 100);
  EXPECT_GT(test::color_distance(routed_role_color(RoutedRole::Forced, theme), theme.masked), 100);
}

TEST_F(FigureRoutedRow, FutureBlocksAndTheGuardsDropAreMarked) {
  // Query 5 (block 1): blocks 2 and 3 lie in the future, masked and outlined as decided.
  const Drawn top = draw(*a, "top-k", 5);
  for (int block : {2, 3}) {
    expect_color(block_pixel(top, 5, block), routed_role_color(RoutedRole::Future, theme), 3,
                 "future block " + std::to_string(block));
    const double s = kDpi / 72.0;
    const figure::MatrixPlacement& m = top.matrix;
    const double cell = m.box.h / m.n;
    const int x = static_cast<int>(std::floor((m.box.x + (block * kBlock + 0.5) * cell) * s));
    const int edge = static_cast<int>(std::floor((m.box.y + 5 * cell) * s));
    expect_color(top.image.at(x, edge), theme.text, 60, "outline of future block " + std::to_string(block));
  }
  // Query 2 (block 0) has one valid block and K = 2: top-k's second index is block 1, which the
  // causal guard drops.
  const Drawn picked = draw(*a, "top-k", 2);
  expect_color(block_pixel(picked, 2, 1), routed_role_color(RoutedRole::Chosen, theme), 3, "block 1 picked");
  const Drawn guard = draw(*a, "causal", 2);
  expect_color(block_pixel(guard, 2, 0), routed_role_color(RoutedRole::Forced, theme), 3, "own block");
  expect_color(block_pixel(guard, 2, 1), routed_role_color(RoutedRole::Dropped, theme), 3, "block 1 dropped");
}

TEST_F(FigureRoutedRow, OnlySelectionStepsTakeAQuery) {
  FigureOptions o;
  o.step = a->trace().find("softmax");
  o.query = 3;
  EXPECT_THROW(figure::view_heatmap(*a, o), SceneError);
  o.step = a->trace().find("top-k");
  o.query = 16;
  EXPECT_THROW(figure::view_heatmap(*a, o), SceneError);
}

}  // namespace
}  // namespace attnscope
