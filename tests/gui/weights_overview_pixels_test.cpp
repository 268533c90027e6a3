// The paper's table length with a real model's head count, N = 8192, G = 2048, 32 heads: the
// values of every cell would take 2 GiB, so the GUI analyses the structure alone and streams each
// shown head's weights into its texture a row at a time. Inside a group the weights are about
// 1/1000 (the bottom of the 0..1 scale), where the allowed cells alone would be drawn at full
// colour.
#include <gtest/gtest.h>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

TEST(WeightsOverviewGLTest, HeadsShowTheirWeightsAtN8192With32Heads) {
  const Screenshot s = screenshot_take("--n 8192 --g 2048 --heads 32", "weights_overview");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const Theme& theme = theme_get(theme_parse(s.layout["theme"]));
  const auto& colormap = colormap_table(colormap_parse(s.layout["colormap"]));
  for (const int head : {0, 16}) {
    auto [x, y] = s.cell_centre(head, 3000, 2400);  // inside the group [2048, 4096)
    EXPECT_TRUE(colour_near(s, x, y, colormap[0], 1, 40)) << "head " << head << ": a weight near 0";
    EXPECT_FALSE(colour_near(s, x, y, colormap[255], 1, 40)) << "head " << head;
    std::tie(x, y) = s.cell_centre(head, 3000, 6000);  // a future key
    EXPECT_TRUE(colour_near(s, x, y, theme.masked, 1, 12)) << "head " << head;
  }
}

}  // namespace
}  // namespace attnscope::test
