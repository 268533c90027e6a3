// A heatmap figure at a step shows what that step has computed, as the GUI does: the raw scores
// of every computed cell at the scores step, the masked scores at the mask step, on one diverging
// scale. Expected colours come from q·k/√D of the scene's tensors and S2's rule written here.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/views.hpp"
#include "core/scene/qkv.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr int kN = 16, kG = 4;

// S2 with the default shift −G/2: head 1 is rolled, so token t sits at frame slot (t − G/2) mod N.
int slot(int head, int t) { return head == 0 ? t : (t - kG / 2 + kN) % kN; }
bool same_group(int h, int q, int k) { return slot(h, q) / kG == slot(h, k) / kG; }
bool allowed(int h, int q, int k) { return same_group(h, q, k) && slot(h, k) <= slot(h, q); }

float score(const Qkv& qkv, int h, int q, int k) {
  double s = 0;
  for (int i = 0; i < qkv.d; ++i) s += double(qkv.row(0, q, Qkv::Q, h)[i]) * qkv.row(0, k, Qkv::K, h)[i];
  return static_cast<float>(s / std::sqrt(double(qkv.d)));
}

Rgb8 diverging(float s, float top) {
  const float t = (std::clamp(s / top, -1.f, 1.f) + 1.f) / 2.f;
  return diverging_table()[static_cast<size_t>(std::lround(t * 255.f))];
}

struct StepCase {
  const char* step;
  bool masked;  // the mask step: only allowed cells keep their scores; leaks are marked
};

class FigureStepValues : public testing::TestWithParam<StepCase> {};

TEST_P(FigureStepValues, CellsShowTheStepsScores) {
  const Scene scene = test::test_scene({.variant = "s2", .n = kN, .g = kG});
  const auto a = analyze(scene);
  const Qkv qkv = qkv_generate(scene);
  float top = 0;
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < kN; ++q)
      for (int k = 0; k < kN; ++k)
        if (allowed(h, q, k)) top = std::max(top, std::abs(score(qkv, h, q, k)));

  FigureOptions o;
  o.dpi = 150;
  o.step = a->trace().find(GetParam().step);
  ASSERT_GE(o.step, 0);
  const figure::Figure fig = figure::view_heatmap(*a, o);
  EXPECT_TRUE(test::has_text(fig, GetParam().masked ? "masked (\u2212\u221e)" : "not computed"));
  EXPECT_NE(test::all_text(fig).find(fmt::format("step {}: {}", o.step, GetParam().step)), std::string::npos);
  test::TempDir dir;
  const std::string path = dir / "step.png";
  figure_export(*a, o, path);
  const test::Image img = test::decode_png(path);
  const Theme& theme = theme_get(o.theme);
  int bad = 0, coloured = 0, leaks = 0;
  for (const figure::MatrixPlacement& m : fig.matrices)
    for (int q = 0; q < kN; ++q)
      for (int k = 0; k < kN; ++k) {
        const bool shown = GetParam().masked ? allowed(m.head, q, k) : same_group(m.head, q, k);
        const bool leak = GetParam().masked && allowed(m.head, q, k) && k > q;
        const Rgb8 want = leak ? theme.leak : shown ? diverging(score(qkv, m.head, q, k), top) : theme.masked;
        const auto [x, y] = test::cell_pixel(m, q, k, o.dpi);
        const Rgb8 got = img.at(x, y);
        coloured += shown && !leak;
        leaks += leak;
        if (test::color_distance(got, want) > 0 && ++bad <= 5)
          ADD_FAILURE() << "head " << m.head << " (" << q << ", " << k << "): got " << int(got.r) << ","
                        << int(got.g) << "," << int(got.b) << " want " << int(want.r) << "," << int(want.g) << ","
                        << int(want.b);
      }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(coloured, GetParam().masked ? 2 * 40 - 4 : 2 * 64) << "S2's computed and allowed cells at N = 16, G = 4";
  EXPECT_EQ(leaks, GetParam().masked ? 4 : 0);
}

INSTANTIATE_TEST_SUITE_P(Steps, FigureStepValues,
                         testing::Values(StepCase{"scores", false}, StepCase{"mask", true}),
                         [](const auto& info) { return std::string(info.param.step); });

// The weights step and a figure without a step still draw the weights on the colormap.
TEST(FigureStepValues, TheSoftmaxStepDrawsWeights) {
  const auto a = analyze(test::test_scene({.variant = "s2", .n = kN, .g = kG}));
  FigureOptions o;
  o.step = a->trace().find("softmax");
  EXPECT_TRUE(test::has_text(figure::view_heatmap(*a, o), "attention weight"));
  o.step = -1;
  EXPECT_TRUE(test::has_text(figure::view_heatmap(*a, o), "attention weight"));
  o.step = a->trace().find("mask");
  EXPECT_TRUE(test::has_text(figure::view_heatmap(*a, o), "score"));
}

// An analysis that holds only the structure (an export from the GUI at a size whose values did
// not fit) has no scores or weights to colour: every step after the pattern draws the allowed
// cells in the theme's allowed grey, names it in the legend, and has no colour bar, as on screen.
TEST(FigureStepValues, StructureOnlyStepsDrawTheAllowedCellsInTheAllowedGrey) {
  const auto a = test::s2_structure(kN, kG, 2);
  ASSERT_FALSE(a->has_values());
  const Theme& theme = theme_get(FigureOptions{}.theme);
  for (const char* step : {"scores", "mask", "softmax"}) {
    FigureOptions o;
    o.dpi = 150;
    o.step = a->trace().find(step);
    ASSERT_GE(o.step, 0);
    const figure::Figure fig = figure::view_heatmap(*a, o);
    EXPECT_TRUE(test::has_text(fig, allowed_cells_label(step_cells(*a, o.step)))) << step;
    EXPECT_FALSE(test::has_text(fig, "attention weight")) << step << ": a colour bar for values not drawn";
    EXPECT_FALSE(test::has_text(fig, "score")) << step << ": a colour bar for values not drawn";
    test::TempDir dir;
    const std::string path = dir / "structure.png";
    figure_export(*a, o, path);
    const test::Image img = test::decode_png(path);
    int bad = 0;
    for (const figure::MatrixPlacement& m : fig.matrices)
      for (int q = 0; q < kN; ++q)
        for (int k = 0; k < kN; ++k) {
          if (allowed(m.head, q, k) && k > q) continue;  // a leak: marked in the leak colour
          const Rgb8 want = allowed(m.head, q, k) ? theme.allowed : theme.masked;
          const auto [x, y] = test::cell_pixel(m, q, k, o.dpi);
          if (test::color_distance(img.at(x, y), want) > 0 && ++bad <= 5)
            ADD_FAILURE() << step << " head " << m.head << " (" << q << ", " << k << ")";
        }
    EXPECT_EQ(bad, 0) << step;
  }
}

}  // namespace
}  // namespace attnscope
