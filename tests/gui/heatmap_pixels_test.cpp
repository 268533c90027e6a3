// Screenshots of the real binary, checked cell by cell against the core: leak marks where the
// core finds leaks and nowhere else, masked cells in the theme's masked colour, row 0 on top.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/presentation/weight_scale.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

TEST(HeatmapPixelsGLTest, ClassroomLeaksAreMarkedExactlyWhereTheCoreFindsThem) {
  const Screenshot s = screenshot_take("", "classroom");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const auto analysis = analyze(scene_from_json(s.layout["scene"]));
  const Theme& theme = s.theme();
  ASSERT_TRUE(analysis->leaks_at(1, 0, 14));
  ASSERT_TRUE(analysis->leaks_at(1, 1, 15));
  for (auto [q, k] : {std::pair{0, 14}, std::pair{1, 15}}) {
    const auto [x, y] = s.cell_centre(1, q, k);
    EXPECT_TRUE(colour_near(s, x, y, theme.leak)) << "no leak mark at head 1 (" << q << "," << k << ")";
  }
  int leak_cells = 0;
  for (int head = 0; head < 2; ++head)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        const auto [x, y] = s.cell_centre(head, q, k);
        const bool leak = analysis->leaks_at(head, q, k);
        leak_cells += leak;
        EXPECT_EQ(colour_near(s, x, y, theme.leak), leak) << "head " << head << " cell (" << q << "," << k << ")";
      }
  EXPECT_EQ(leak_cells, 4);
}

TEST(HeatmapPixelsGLTest, MaskedCellsHaveTheThemeMaskedColourAndAllowedCellsDoNot) {
  const Screenshot s = screenshot_take("", "classroom_masked");
  ASSERT_EQ(s.exit_code, 0);
  const auto analysis = analyze(scene_from_json(s.layout["scene"]));
  const Theme& theme = s.theme();
  const ColormapName colormap = colormap_parse(s.layout["colormap"]);
  for (int head = 0; head < 2; ++head)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        if (analysis->leaks_at(head, q, k)) continue;  // covered by the leak-mark test
        // Sample off-centre: allowed cells carry a weight label in the middle.
        const auto [x, y] = s.cell_centre(head, q, k);
        const Rgb8 pixel = s.at(x - 5, y - 5);
        if (analysis->allowed(head, q, k)) {
          const float w = analysis->weight(0, head, q, k);
          // The figures' scale: the 99th percentile of every head's weights.
          const float vmax = weight_scale({&analysis->attention.head(0, 0).weights,
                                                   &analysis->attention.head(0, 1).weights}).vmax;
          EXPECT_LE(color_distance(pixel, colormap_sample(colormap, w / vmax)), 6)
              << "head " << head << " cell (" << q << "," << k << ") is not its weight's colour";
        } else {
          EXPECT_LE(color_distance(pixel, theme.masked), 3) << "head " << head << " cell (" << q << "," << k << ")";
        }
      }
}

TEST(HeatmapPixelsGLTest, QueryZeroIsTheTopRow) {
  // Head 0 (pattern 1) allows (0, 0) and masks (15, 0): drawn upside down, the top-left cell
  // would be masked and the bottom-left one coloured.
  const Screenshot s = screenshot_take("", "orientation");
  ASSERT_EQ(s.exit_code, 0);
  const Theme& theme = s.theme();
  const auto [x0, y0] = s.cell_centre(0, 0, 0);
  const auto [x1, y1] = s.cell_centre(0, 15, 0);
  EXPECT_GT(color_distance(s.at(x0 - 5, y0 - 5), theme.masked), 30);
  EXPECT_LE(color_distance(s.at(x1 - 5, y1 - 5), theme.masked), 3);
  EXPECT_LT(y0, y1);
}

TEST(HeatmapPixelsGLTest, FixMaskSceneShowsNoLeakAnywhere) {
  const Screenshot s = screenshot_take("--scene " + scene_path("04_s2_fix_mask.json"), "fix_mask");
  ASSERT_EQ(s.exit_code, 0);
  const Theme& theme = s.theme();
  const int n = s.heatmap(0)["n"];
  for (int head = 0; head < 2; ++head)
    for (int q = 0; q < n; ++q)
      for (int k = 0; k < n; ++k) {
        const auto [x, y] = s.cell_centre(head, q, k);
        EXPECT_FALSE(colour_near(s, x, y, theme.leak)) << "head " << head << " cell (" << q << "," << k << ")";
      }
}

}  // namespace
}  // namespace attnscope::test
