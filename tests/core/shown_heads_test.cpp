// With more heads than room, the heads drawn include the leaking ones: LongLoRA at 32 heads
// shifts heads 16-31, and the first eight heads alone would show no leak.
#include <gtest/gtest.h>

#include "core/presentation/shown_heads.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(ShownHeads, HalfTheRoomGoesToLeakingHeads) {
  const auto a = analyze(test::test_scene({.variant = "s2", .n = 16, .heads = 32}));
  const std::vector<int> shown = shown_heads(*a, 8);
  EXPECT_EQ(shown, (std::vector<int>{0, 1, 2, 3, 16, 17, 18, 19}));
  for (int h : shown) EXPECT_EQ(a->metrics.heads[h].leaks > 0, h >= 16) << h;
  EXPECT_EQ(hidden_heads_text(32, shown), "4-15, 20-31");
}

TEST(ShownHeads, WithoutLeaksOrRoomToSpareTheFirstHeadsShow) {
  const auto clean = analyze(test::test_scene({.variant = "s2-fix-mask", .n = 16, .heads = 32}));
  EXPECT_EQ(shown_heads(*clean, 8), (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(hidden_heads_text(32, shown_heads(*clean, 8)), "8-31");
  const auto few = analyze(test::test_scene({.variant = "s2", .n = 16, .heads = 4}));
  EXPECT_EQ(shown_heads(*few, 8), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(hidden_heads_text(4, shown_heads(*few, 8)), "");
}

TEST(ShownHeads, TheRoomIsSplitInHeadOrder) {
  // 10 heads: s2 shifts heads 5..9 (the second half); with room for 6: 0-2 clean, 5-7 leaking.
  const auto a = analyze(test::test_scene({.variant = "s2", .n = 16, .heads = 10}));
  EXPECT_EQ(shown_heads(*a, 6), (std::vector<int>{0, 1, 2, 5, 6, 7}));
  EXPECT_EQ(hidden_heads_text(9, {0, 2, 3, 8}), "1, 4-7");
}

}  // namespace
}  // namespace attnscope
