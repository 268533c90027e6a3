// LongLoRA's setting zoomed in (--zoom-to): the GUI opens on the structure alone, and the cells on
// screen show weights computed for them. Around token 16384 the shifted heads start a new group,
// whose first row reads only itself (weight 1, the top of the colour scale), while the unshifted
// heads spread each row over 16000 keys (weights near 0).
#include <gtest/gtest.h>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

std::pair<int, int> zoomed_cell_centre(const Screenshot& s, int head, int q, int k) {
  const auto& h = s.heatmap(head);
  const auto& r = h["rect"];
  const double width = r[2].get<double>() - r[0].get<double>();
  const double cell = width * h["zoom"].get<double>() / h["n"].get<int>();
  return {static_cast<int>(r[0].get<double>() + (k - h["first_col"].get<double>() + 0.5) * cell),
          static_cast<int>(r[1].get<double>() + (q - h["first_row"].get<double>() + 0.5) * cell)};
}

TEST(ZoomWeightsGLTest, ZoomedCellsShowTheirWeightsAtN131072) {
  const Screenshot s = screenshot_take("--n 131072 --g 32768 --heads 32 --zoom-to 16392,16392", "zoom_weights");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const Theme& theme = theme_get(theme_parse(s.layout["theme"]));
  const auto& colormap = colormap_table(colormap_parse(s.layout["colormap"]));
  for (const auto& h : s.layout["heatmaps"]) EXPECT_TRUE(h["zoom_weights"].get<bool>()) << h["head"];
  // Shifted head 16: row 16384 reads only key 16384; key 16383 belongs to the group before.
  auto [x, y] = zoomed_cell_centre(s, 16, 16384, 16384);
  EXPECT_TRUE(colour_near(s, x, y, colormap[255], 1, 12)) << "weight 1 at the top of the scale";
  std::tie(x, y) = zoomed_cell_centre(s, 16, 16384, 16383);
  EXPECT_TRUE(colour_near(s, x, y, theme.masked, 1, 12));
  // Unshifted head 0: row 16400 spreads over its 16401 keys; a future key is masked.
  std::tie(x, y) = zoomed_cell_centre(s, 0, 16400, 16390);
  EXPECT_TRUE(colour_near(s, x, y, colormap[0], 1, 12)) << "a weight near 0";
  std::tie(x, y) = zoomed_cell_centre(s, 0, 16390, 16400);
  EXPECT_TRUE(colour_near(s, x, y, theme.masked, 1, 12));
}

}  // namespace
}  // namespace attnscope::test
