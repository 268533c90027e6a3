// The pure parts: token motion between steps and the heatmap texture's contents.
#include <gtest/gtest.h>

#include "app/gui/heatmap_image.hpp"
#include "app/gui/token_bands.hpp"
#include "core/presentation/token_motion.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

const TokenPose& pose_of(const std::vector<TokenPose>& poses, int head, int token) {
  for (const auto& p : poses)
    if (p.head == head && p.token == token) return p;
  throw std::runtime_error("token not found");
}

TEST(TokenMotionTest, RollSlidesTheShiftedHalfUpAndWrapsTokenZeroToTheBottom) {
  const auto analysis = analyze(classroom_scene());
  const auto& steps = analysis->trace().steps;
  const int roll = analysis->trace().find("roll");
  const Step& before = steps[roll - 1];
  const Step& after = steps[roll];
  EXPECT_FLOAT_EQ(pose_of(token_poses_between(before, after, 1.f), 1, 0).row, 14.f);
  EXPECT_FLOAT_EQ(pose_of(token_poses_between(before, after, 0.f), 1, 0).row, 0.f);
  // Halfway, token 0 has gone up one row past the top and re-entered at the bottom (row 15),
  // rather than sweeping down through the grid; token 2 is halfway up to row 0.
  const auto half = token_poses_between(before, after, 0.5f);
  EXPECT_NEAR(pose_of(half, 1, 0).row, 15.f, 1e-4);
  EXPECT_NEAR(pose_of(half, 1, 2).row, 1.f, 1e-4);
  EXPECT_FLOAT_EQ(pose_of(half, 0, 0).row, 0.f) << "the unshifted half does not move";
}

TEST(TokenMotionTest, GroupReshapeOpensGapsBetweenGroups) {
  const auto analysis = analyze(classroom_scene());
  const Step& grouped = analysis->trace().steps[analysis->trace().find("group-reshape")];
  const auto poses = token_poses(grouped);
  // Head 0: token 4 starts group 1, one gap below token 3.
  EXPECT_FLOAT_EQ(pose_of(poses, 0, 4).row - pose_of(poses, 0, 3).row, 1.f + kGroupGap);
}

TEST(TokenMotionTest, AtRestEveryTokenSitsOnceAtItsRowWithNoWrapCopy) {
  // With group gaps the last row of a head rests past row n; a wrap copy decided on the gapped
  // row would ghost it over row 0.
  const auto analysis = analyze(classroom_scene());
  const auto& steps = analysis->trace().steps;
  for (size_t k = 1; k < steps.size(); ++k)
    for (float t : {0.f, 1.f}) {
      const Step& rest = t == 0.f ? steps[k - 1] : steps[k];
      const auto poses = token_poses_between(steps[k - 1], steps[k], t);
      ASSERT_EQ(poses.size(), 32u) << steps[k].name;
      const auto resting = token_poses(rest);
      for (int h = 0; h < 2; ++h)
        for (int token = 0; token < 16; ++token) {
          const TokenPose& p = pose_of(poses, h, token);
          EXPECT_FALSE(p.wrap_row) << steps[k].name << " t=" << t << " head " << h << " token " << token;
          EXPECT_NEAR(p.row, pose_of(resting, h, token).row, 1e-4) << steps[k].name << " t=" << t;
        }
    }
  // The copy exists mid-roll: token 0 of the shifted head leaves the top and enters the bottom.
  const int roll = analysis->trace().find("roll");
  const auto quarter = token_poses_between(steps[roll - 1], steps[roll], 0.25f);
  ASSERT_TRUE(pose_of(quarter, 1, 0).wrap_row);
  EXPECT_GT(*pose_of(quarter, 1, 0).wrap_row, 15.f);
}

TEST(TokenBandsTest, TallGridsAreBandedByGroupAndTheColourFollowsTheRoll) {
  Scene scene = classroom_scene();
  scene.n = 512;
  scene.g = 128;
  const auto analysis = analyze(scene);
  const auto& trace = analysis->trace();
  // Input order: the shifted head's group 3 wraps around, so its tokens 0-63 open the column.
  const auto input = token_bands(*analysis, trace.steps[0], 1);
  ASSERT_EQ(input.size(), 5u);
  EXPECT_EQ(input[0].group, 3);
  EXPECT_EQ(input[0].row_end, 64);
  EXPECT_EQ(input[4].group, 3);
  // After the roll the same tokens form one band at the bottom, labelled 448-63.
  const auto rolled = token_bands(*analysis, trace.steps[trace.find("group-reshape")], 1);
  ASSERT_EQ(rolled.size(), 4u);
  EXPECT_EQ(rolled[3].group, 3);
  EXPECT_EQ(rolled[3].first_token, 448);
  EXPECT_EQ(rolled[3].last_token, 63);
  const auto plain = token_bands(*analysis, trace.steps[0], 0);
  ASSERT_EQ(plain.size(), 4u);
  EXPECT_EQ(plain[1].row_begin, 128);
  EXPECT_EQ(plain[1].first_token, 128);
  EXPECT_EQ(plain[1].last_token, 255);
}

TEST(HeatmapImageTest, ColourScaleTopsOutAtTheFiguresNinetyNinthPercentile) {
  Scene scene = classroom_scene();
  scene.n = 256;
  scene.g = 64;
  const auto analysis = analyze(scene);
  const auto scale = analysis_weight_scale(*analysis);
  const auto& w0 = analysis->attention.head(0, 0).weights;
  const auto& w1 = analysis->attention.head(0, 1).weights;
  const auto figures = weight_scale({&w0, &w1});
  EXPECT_FLOAT_EQ(scale.vmax, figures.vmax);
  ASSERT_TRUE(scale.clipped) << "each group's first query has weight 1, far above the 99th percentile";
  const HeatmapImage image = heatmap_image_build(*analysis, 0, Coords::Original, scale.vmax);
  int allowed = 0, saturated = 0;
  for (size_t i = 0; i < image.texels.size(); i += 2)
    if (image.texels[i] >= 0.f) ++allowed, saturated += image.texels[i] >= 1.f;
  // Scaled to the largest weight only the few weight-1 cells would reach the top of the colormap.
  EXPECT_GE(saturated, allowed / 200);
}

TEST(HeatmapImageTest, RowZeroIsQueryZeroWithLeaksAndMaskedCellsFlagged) {
  const auto analysis = analyze(classroom_scene());
  const HeatmapImage image = heatmap_image_build(*analysis, 1, Coords::Original, analysis_weight_scale(*analysis).vmax);
  ASSERT_EQ(image.size, 16);
  auto texel = [&](int q, int k) { return &image.texels[(static_cast<size_t>(q) * 16 + k) * 2]; };
  EXPECT_EQ(texel(0, 14)[1], 1.f);   // the leak (0, 14)
  EXPECT_GE(texel(0, 14)[0], 0.f);
  EXPECT_EQ(texel(15, 0)[0], -1.f);  // masked
  EXPECT_EQ(texel(0, 13)[0], -1.f);
  EXPECT_EQ(texel(0, 1)[1], 0.f);
}

// Without stored values the weights are computed a row at a time into the texels: the same image
// as from an analysis that holds every value, aggregated or not, in either coordinate system.
TEST(HeatmapImageTest, StreamedWeightsMakeTheImageOfStoredWeights) {
  Scene scene = classroom_scene();
  scene.n = 96;
  scene.g = 32;
  AnalyzeOptions structure;
  structure.values = false;
  const auto lazy = analyze(scene, structure);
  const auto full = analyze(scene);
  ASSERT_FALSE(lazy->has_values());
  ASSERT_TRUE(heatmap_image_streams_weights(*lazy, StepCells::Weights));
  for (const Coords coords : {Coords::Original, Coords::Frame})
    for (const int texels : {kMaxHeatmapTexels, 32}) {
      const HeatmapImage a = heatmap_image_build(*lazy, 1, coords, 0.5f, texels);
      const HeatmapImage b = heatmap_image_build(*full, 1, coords, 0.5f, texels);
      ASSERT_EQ(a.texels.size(), b.texels.size());
      for (size_t i = 0; i < a.texels.size(); ++i) ASSERT_NEAR(a.texels[i], b.texels[i], 1e-6f) << i;
    }
  // Shown before the streamed image is ready: the allowed cells at full colour.
  const HeatmapImage mask = heatmap_image_build(*lazy, 1, Coords::Original, 0.5f, kMaxHeatmapTexels,
                                                StepCells::Weights, 1.f, false);
  EXPECT_EQ(mask.texels[(95 * 96 + 95) * 2], 1.f);
}

TEST(HeatmapImageTest, LargeScenesAreAggregatedIntoAtMost2048Texels) {
  Scene scene = classroom_scene();
  scene.n = 4096;
  scene.g = 1024;
  const auto analysis = analyze(scene);
  const HeatmapImage image = heatmap_image_build(*analysis, 1, Coords::Original, analysis_weight_scale(*analysis).vmax);
  EXPECT_EQ(image.size, 2048);
  EXPECT_EQ(image.cells_per_texel, 2);
  // Leak block: queries [0, 512) read keys [3584, 4096) in the shifted head.
  EXPECT_EQ(image.texels[(0 * 2048 + 2047) * 2 + 1], 1.f);
  EXPECT_EQ(image.texels[(2047 * 2048 + 0) * 2], -1.f);
}

// A texel of the compare overlay: `both` when some cell of it is in both masks, or when it holds
// cells of each; else the colour of the one mask it holds cells of; else `off`. Written cell by
// cell from that rule, for a texel of one cell (N = 16) and of four (N = 64 in 16 texels).
TEST(HeatmapImageTest, CompareOverlayColoursEachTexelByTheMasksItsCellsAreIn) {
  const Rgb8 a_only{200, 0, 0}, b_only{0, 0, 200}, both{0, 200, 0}, off{40, 40, 40};
  for (const auto& [n, texels] : {std::pair{16, 16}, std::pair{64, 16}}) {
    Scene scene = classroom_scene();
    scene.n = n;
    scene.g = n / 4;
    const auto s2 = analyze(scene);
    scene.variant = "s2-fix-mask";
    const auto fixed = analyze(scene);
    const RowRuns& a = s2->mask(1);
    const RowRuns& b = fixed->mask(1);
    const RgbaImage image = diff_overlay_build(a, b, a_only, b_only, both, off, texels);
    ASSERT_EQ(image.size, texels);
    const int cpt = n / texels;
    for (int tr = 0; tr < texels; ++tr)
      for (int tc = 0; tc < texels; ++tc) {
        bool in_a = false, in_b = false, in_both = false;
        for (int q = tr * cpt; q < (tr + 1) * cpt; ++q)
          for (int k = tc * cpt; k < (tc + 1) * cpt; ++k) {
            in_a |= a.contains(q, k);
            in_b |= b.contains(q, k);
            in_both |= a.contains(q, k) && b.contains(q, k);
          }
        const Rgb8 want = in_both || (in_a && in_b) ? both : in_a ? a_only : in_b ? b_only : off;
        const uint8_t* p = &image.rgba[(static_cast<size_t>(tr) * texels + tc) * 4];
        EXPECT_EQ((Rgb8{p[0], p[1], p[2]}), want) << "N = " << n << ", texel " << tr << ", " << tc;
      }
  }
}

}  // namespace
}  // namespace attnscope::test
