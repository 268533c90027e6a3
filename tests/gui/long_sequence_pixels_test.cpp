// LongLoRA's training setting in the GUI: N = 131072, G = 32768, 32 heads. The window opens on
// the structure alone; with room for eight matrices it draws the first clean heads and the first
// shifted ones, and the shifted heads' leak block (queries 0..16383 reading keys
// 114688..131071) is drawn in the leak colour where the clean heads have none.
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
  const Theme& theme = theme_get(theme_parse(s.layout["theme"]));
  // The middle of the leak block, and a cell inside the first group that both kinds of head allow.
  for (int head : heads) {
    const auto [lx, ly] = s.cell_centre(head, 8192, 122880);
    EXPECT_EQ(colour_near(s, lx, ly, theme.leak), head >= 16) << "head " << head;
    const auto [cx, cy] = s.cell_centre(head, 30000, 20000);
    EXPECT_FALSE(colour_near(s, cx, cy, theme.leak)) << "head " << head;
  }
}

}  // namespace
}  // namespace attnscope::test
