// The heatmaps follow the step: screenshots at input, scores, mask and softmax, each cell checked
// against values derived here from q and k (not from the GUI's textures): before the scores the
// pattern's outlined cells, at scores every cell of each group in the diverging colours of its raw
// score, at mask the same with the masked cells grey, from softmax on the weights.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis.hpp"
#include "core/weight_scale.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

const Theme& theme_of(const Screenshot& s) { return theme_get(theme_parse(s.layout["theme"])); }

// QKᵀ/√D of batch 0 straight from the analysis' q and k.
float raw_score(const Analysis& a, int head, int q, int k) {
  const float* qv = a.qkv.row(0, q, Qkv::Q, head);
  const float* kv = a.qkv.row(0, k, Qkv::K, head);
  float dot = 0.f;
  for (int i = 0; i < a.qkv.d; ++i) dot += qv[i] * kv[i];
  return dot / std::sqrt(static_cast<float>(a.qkv.d));
}

// The score colour scale: the largest |score| over the allowed cells of every head.
float score_max(const Analysis& a) {
  float m = 0.f;
  for (int h = 0; h < a.heads(); ++h)
    for (int q = 0; q < a.n(); ++q)
      for (int k = 0; k < a.n(); ++k)
        if (a.allowed(h, q, k)) m = std::max(m, std::abs(raw_score(a, h, q, k)));
  return m;
}

// Same group of head h's frame: the cells the scores step computes.
bool same_group(const Analysis& a, int h, int q, int k) {
  const HeadFrame& f = a.build.frame->heads[h];
  return f.segment_of_slot(f.slot_of_token[q]) == f.segment_of_slot(f.slot_of_token[k]);
}

Screenshot step_screenshot(const std::string& step) {
  // Steps of s2: 0 input, 5 scores, 6 mask, 7 softmax.
  return screenshot_take("--frames 2 --step " + step, "step_" + step);
}

// A third of a cell up and left of the centre: above the weight label, inside a pattern cell's
// outline and clear of the group lines on the cell's edges.
std::pair<int, int> sample_point(const Screenshot& s, int head, int q, int k) {
  const auto [x, y] = s.cell_centre(head, q, k);
  const auto& r = s.heatmap(head)["rect"];
  const double cell = (r[2].get<double>() - r[0].get<double>()) / s.heatmap(head)["n"].get<int>();
  return {static_cast<int>(x - cell / 3), static_cast<int>(y - cell / 3)};
}

TEST(StepPixelsGLTest, InputShowsThePatternToCome) {
  const Screenshot s = step_screenshot("0");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_EQ(s.layout["step_name"], "input");
  const auto a = analyze(scene_from_json(s.layout["scene"]));
  const Theme& theme = theme_of(s);
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        const auto [x, y] = sample_point(s, h, q, k);
        // Allowed cells: the background inside an outline; the rest masked grey.
        const Rgb8 expected = a->allowed(h, q, k) ? theme.background : theme.masked;
        EXPECT_LE(colour_distance(s.at(x, y), expected), 6) << "head " << h << " (" << q << "," << k << ")";
      }
  // And the outline itself: the cell's top-left corner is drawn, not background.
  const auto [cx, cy] = s.cell_centre(0, 5, 4);
  const auto& r = s.heatmap(0)["rect"];
  const double cell = (r[2].get<double>() - r[0].get<double>()) / 16;
  EXPECT_GT(colour_distance(s.at(static_cast<int>(cx - cell / 2 + 1), static_cast<int>(cy - cell / 2 + 1)), theme.background), 60);
}

TEST(StepPixelsGLTest, ScoresShowEveryGroupCellsRawScoreInDivergingColours) {
  const Screenshot s = step_screenshot("5");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_EQ(s.layout["step_name"], "scores");
  const auto a = analyze(scene_from_json(s.layout["scene"]));
  const Theme& theme = theme_of(s);
  const float smax = score_max(*a);
  int computed_but_masked_later = 0;
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        const auto [x, y] = sample_point(s, h, q, k);
        const Rgb8 expected = same_group(*a, h, q, k)
                                  ? diverging_sample(std::clamp(raw_score(*a, h, q, k) / smax, -1.f, 1.f))
                                  : theme.masked;
        computed_but_masked_later += same_group(*a, h, q, k) && !a->allowed(h, q, k);
        EXPECT_LE(colour_distance(s.at(x, y), expected), 8) << "head " << h << " (" << q << "," << k << ")";
      }
  EXPECT_EQ(computed_but_masked_later, 2 * 4 * 6) << "each 4x4 group has 6 cells above its frame diagonal";
}

TEST(StepPixelsGLTest, MaskGreysTheMaskedScoresAndWeightsFollowFromSoftmax) {
  const Screenshot mask = step_screenshot("6");
  const Screenshot softmax = step_screenshot("7");
  ASSERT_EQ(mask.exit_code, 0);
  ASSERT_EQ(softmax.exit_code, 0);
  ASSERT_EQ(mask.layout["step_name"], "mask");
  ASSERT_EQ(softmax.layout["step_name"], "softmax");
  const auto a = analyze(scene_from_json(mask.layout["scene"]));
  const Theme& theme = theme_of(mask);
  const float smax = score_max(*a);
  const float vmax = weight_scale({&a->attention.head(0, 0).weights, &a->attention.head(0, 1).weights}).vmax;
  const ColormapName colormap = colormap_parse(softmax.layout["colormap"]);
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        if (a->leaks_at(h, q, k)) continue;  // crossed out; the leak tests cover them
        const bool allowed = a->allowed(h, q, k);
        const auto [x, y] = sample_point(mask, h, q, k);
        const Rgb8 at_mask = allowed ? diverging_sample(std::clamp(raw_score(*a, h, q, k) / smax, -1.f, 1.f)) : theme.masked;
        EXPECT_LE(colour_distance(mask.at(x, y), at_mask), 8) << "mask: head " << h << " (" << q << "," << k << ")";
        const auto [sx, sy] = sample_point(softmax, h, q, k);
        const Rgb8 at_softmax = allowed ? colormap_sample(colormap, a->weight(0, h, q, k) / vmax) : theme.masked;
        EXPECT_LE(colour_distance(softmax.at(sx, sy), at_softmax), 8) << "softmax: head " << h << " (" << q << "," << k << ")";
      }
}

}  // namespace
}  // namespace attnscope::test
