// The heatmaps follow the step: screenshots at input, scores, mask and softmax, each cell checked
// against values derived here from q and k (not from the GUI's textures): before the scores the
// pattern's outlined cells, at scores every cell of each group in the diverging colours of its raw
// score, at mask the same with the masked cells grey, from softmax on the weights.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/presentation/weight_scale.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

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

// A screenshot of the classroom scene at a step, and its analysis; `ok` once both are there.
struct StepShot {
  Screenshot s;
  std::shared_ptr<const Analysis> a;
  bool ok = false;
  const Theme& theme() const { return s.theme(); }
};
StepShot step_shot(int step, const std::string& name) {
  StepShot shot{screenshot_take("--frames 2 --step " + std::to_string(step), "step_" + name), nullptr, false};
  EXPECT_EQ(shot.s.exit_code, 0);
  if (shot.s.exit_code != 0) return shot;
  EXPECT_EQ(shot.s.layout["step_name"], name);
  shot.a = analyze(scene_from_json(shot.s.layout["scene"]));
  shot.ok = shot.s.layout["step_name"] == name;
  return shot;
}

// A third of a cell up and left of the centre: above the weight label, inside a pattern cell's
// outline and clear of the group lines on the cell's edges.
std::pair<int, int> sample_point(const Screenshot& s, int head, int q, int k) {
  const auto [x, y] = s.cell_centre(head, q, k);
  const auto& r = s.heatmap(head)["rect"];
  const double cell = (r[2].get<double>() - r[0].get<double>()) / s.heatmap(head)["n"].get<int>();
  return {static_cast<int>(x - cell / 3), static_cast<int>(y - cell / 3)};
}

// Calls f(head, q, k, colour at the cell's sample point) for every cell of the scene's two heads.
template <class F>
void each_cell(const Screenshot& s, F f) {
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        const auto [x, y] = sample_point(s, h, q, k);
        f(h, q, k, s.at(x, y));
      }
}

TEST(StepPixelsGLTest, InputShowsThePatternToCome) {
  const StepShot shot = step_shot(0, "input");
  ASSERT_TRUE(shot.ok);
  const Screenshot& s = shot.s;
  const Theme& theme = shot.theme();
  each_cell(s, [&](int h, int q, int k, Rgb8 pixel) {
    // Allowed cells: the background inside an outline; the rest masked grey.
    const Rgb8 expected = shot.a->allowed(h, q, k) ? theme.background : theme.masked;
    EXPECT_LE(color_distance(pixel, expected), 6) << "head " << h << " (" << q << "," << k << ")";
  });
  // And the outline itself: the cell's top-left corner is drawn, not background.
  const auto [cx, cy] = s.cell_centre(0, 5, 4);
  const auto& r = s.heatmap(0)["rect"];
  const double cell = (r[2].get<double>() - r[0].get<double>()) / 16;
  EXPECT_GT(color_distance(s.at(static_cast<int>(cx - cell / 2 + 1), static_cast<int>(cy - cell / 2 + 1)), theme.background), 60);
}

TEST(StepPixelsGLTest, ScoresShowEveryGroupCellsRawScoreInDivergingColours) {
  const StepShot shot = step_shot(5, "scores");
  ASSERT_TRUE(shot.ok);
  const Analysis& a = *shot.a;
  const float smax = score_max(a);
  int computed_but_masked_later = 0;
  each_cell(shot.s, [&](int h, int q, int k, Rgb8 pixel) {
    const Rgb8 expected =
        same_group(a, h, q, k) ? diverging_sample(std::clamp(raw_score(a, h, q, k) / smax, -1.f, 1.f)) : shot.theme().masked;
    computed_but_masked_later += same_group(a, h, q, k) && !a.allowed(h, q, k);
    EXPECT_LE(color_distance(pixel, expected), 8) << "head " << h << " (" << q << "," << k << ")";
  });
  EXPECT_EQ(computed_but_masked_later, 2 * 4 * 6) << "each 4x4 group has 6 cells above its frame diagonal";
}

TEST(StepPixelsGLTest, MaskGreysTheMaskedScoresAndWeightsFollowFromSoftmax) {
  const StepShot mask_shot = step_shot(6, "mask"), softmax_shot = step_shot(7, "softmax");
  ASSERT_TRUE(mask_shot.ok && softmax_shot.ok);
  const Screenshot &mask = mask_shot.s, &softmax = softmax_shot.s;
  const auto& a = mask_shot.a;
  const Theme& theme = mask.theme();
  const float smax = score_max(*a);
  const float vmax = weight_scale({&a->attention.head(0, 0).weights, &a->attention.head(0, 1).weights}).vmax;
  const ColormapName colormap = colormap_parse(softmax.layout["colormap"]);
  each_cell(mask, [&](int h, int q, int k, Rgb8 pixel) {
    if (a->leaks_at(h, q, k)) return;  // crossed out; the leak tests cover them
    const Rgb8 expected =
        a->allowed(h, q, k) ? diverging_sample(std::clamp(raw_score(*a, h, q, k) / smax, -1.f, 1.f)) : theme.masked;
    EXPECT_LE(color_distance(pixel, expected), 8) << "mask: head " << h << " (" << q << "," << k << ")";
  });
  each_cell(softmax, [&](int h, int q, int k, Rgb8 pixel) {
    if (a->leaks_at(h, q, k)) return;
    const Rgb8 expected = a->allowed(h, q, k) ? colormap_sample(colormap, a->weight(0, h, q, k) / vmax) : theme.masked;
    EXPECT_LE(color_distance(pixel, expected), 8) << "softmax: head " << h << " (" << q << "," << k << ")";
  });
}

}  // namespace
}  // namespace attnscope::test
