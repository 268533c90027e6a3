// LongLoRA's settings in the GUI. N = 131072, G = 32768, 32 heads: the window opens on the
// structure alone; with room for eight matrices it draws the first clean heads and the first
// shifted ones, and the shifted heads' leak block (queries 0..16383 reading keys
// 114688..131071) is drawn in the leak colour where the clean heads have none. Zoomed in
// (--zoom-to), the cells on screen show weights computed for them. N = 8192 with 32 heads (2 GiB of
// values): each shown head's weights are streamed into its texture.
#include <gtest/gtest.h>

#include <vector>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

TEST(LongSequenceGLTest, ShiftedHeadsAndTheirLeakBlockAreDrawn) {
  const Screenshot s = screenshot_take("--n 131072 --g 32768 --heads 32", "long_sequence");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  std::vector<int> heads;
  for (const auto& h : s.layout["heatmaps"]) heads.push_back(h["head"]);
  EXPECT_EQ(heads, (std::vector<int>{0, 1, 2, 3, 16, 17, 18, 19}));
  // The middle of the leak block, and a cell inside the first group that both kinds of head allow.
  for (int head : heads) {
    EXPECT_FALSE(s.heatmap(head)["zoom_weights"].get<bool>());
    const auto [lx, ly] = s.cell_centre(head, 8192, 122880);
    EXPECT_EQ(colour_near(s, lx, ly, s.theme().leak), head >= 16) << "head " << head;
    const auto [cx, cy] = s.cell_centre(head, 30000, 20000);
    EXPECT_FALSE(colour_near(s, cx, cy, s.theme().leak)) << "head " << head;
  }
}

// Around token 16384 the shifted heads start a new group, whose first row reads only itself
// (weight 1, the top of the colour scale), while the unshifted heads spread each row over 16000
// keys (weights near 0).
TEST(LongSequenceGLTest, ZoomedCellsShowTheirWeightsAtN131072) {
  const Screenshot s = screenshot_take("--n 131072 --g 32768 --heads 32 --zoom-to 16392,16392", "zoom_weights");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  for (const auto& h : s.layout["heatmaps"]) EXPECT_TRUE(h["zoom_weights"].get<bool>()) << h["head"];
  // Shifted head 16: row 16384 reads only key 16384; key 16383 belongs to the group before.
  auto [x, y] = s.cell_centre(16, 16384, 16384);
  EXPECT_TRUE(colour_near(s, x, y, s.colormap()[255], 1, 12)) << "weight 1 at the top of the scale";
  std::tie(x, y) = s.cell_centre(16, 16384, 16383);
  EXPECT_TRUE(colour_near(s, x, y, s.theme().masked, 1, 12));
  // Unshifted head 0: row 16400 spreads over its 16401 keys; a future key is masked.
  std::tie(x, y) = s.cell_centre(0, 16400, 16390);
  EXPECT_TRUE(colour_near(s, x, y, s.colormap()[0], 1, 12)) << "a weight near 0";
  std::tie(x, y) = s.cell_centre(0, 16390, 16400);
  EXPECT_TRUE(colour_near(s, x, y, s.theme().masked, 1, 12));
}

// Inside a group the weights are about 1/1000 (the bottom of the 0..1 scale), where the allowed
// cells alone would be drawn at full colour.
TEST(LongSequenceGLTest, HeadsShowTheirWeightsAtN8192With32Heads) {
  const Screenshot s = screenshot_take("--n 8192 --g 2048 --heads 32", "weights_overview");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  for (const int head : {0, 16}) {
    auto [x, y] = s.cell_centre(head, 3000, 2400);  // inside a group of both kinds of head
    EXPECT_TRUE(colour_near(s, x, y, s.colormap()[0], 1, 40)) << "head " << head << ": a weight near 0";
    EXPECT_FALSE(colour_near(s, x, y, s.colormap()[255], 1, 40)) << "head " << head;
    std::tie(x, y) = s.cell_centre(head, 3000, 6000);  // a future key
    EXPECT_TRUE(colour_near(s, x, y, s.theme().masked, 1, 12)) << "head " << head;
  }
}

}  // namespace
}  // namespace attnscope::test
