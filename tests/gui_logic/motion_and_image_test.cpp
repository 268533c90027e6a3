// The pure parts: token motion between steps and the heatmap texture's contents.
#include <gtest/gtest.h>

#include "app/gui/heatmap_image.hpp"
#include "app/gui/token_motion.hpp"
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

TEST(HeatmapImageTest, RowZeroIsQueryZeroWithLeaksAndMaskedCellsFlagged) {
  const auto analysis = analyze(classroom_scene());
  const HeatmapImage image = heatmap_image_build(*analysis, 1, Coords::Original);
  ASSERT_EQ(image.size, 16);
  auto texel = [&](int q, int k) { return &image.texels[(static_cast<size_t>(q) * 16 + k) * 2]; };
  EXPECT_EQ(texel(0, 14)[1], 1.f);   // the leak (0, 14)
  EXPECT_GE(texel(0, 14)[0], 0.f);
  EXPECT_EQ(texel(15, 0)[0], -1.f);  // masked
  EXPECT_EQ(texel(0, 13)[0], -1.f);
  EXPECT_EQ(texel(0, 1)[1], 0.f);
}

TEST(HeatmapImageTest, LargeScenesAreAggregatedIntoAtMost2048Texels) {
  Scene scene = classroom_scene();
  scene.n = 4096;
  scene.g = 1024;
  const auto analysis = analyze(scene);
  const HeatmapImage image = heatmap_image_build(*analysis, 1, Coords::Original);
  EXPECT_EQ(image.size, 2048);
  EXPECT_EQ(image.cells_per_texel, 2);
  // Leak block: queries [0, 512) read keys [3584, 4096) in the shifted head.
  EXPECT_EQ(image.texels[(0 * 2048 + 2047) * 2 + 1], 1.f);
  EXPECT_EQ(image.texels[(2047 * 2048 + 0) * 2], -1.f);
}

}  // namespace
}  // namespace attnscope::test
