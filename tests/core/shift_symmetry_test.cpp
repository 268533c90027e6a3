// The ±G/2 symmetry: rolls that differ by G make the same groups in another batch order.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/presentation/shift_symmetry.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(ShiftSymmetry, MinusAndPlusHalfGroupGiveTheSameGroups) {
  const ShiftSymmetry s = shift_symmetry(16, 4, -2, 2);
  EXPECT_TRUE(s.same_groups);
  EXPECT_EQ(s.mask_difference, 0);
  // -2: rows [2..5] [6..9] [10..13] [14 15 0 1]; +2: [14 15 0 1] [2..5] [6..9] [10..13].
  EXPECT_EQ(s.a.rows[3], (std::vector<int>{14, 15, 0, 1}));
  EXPECT_EQ(s.b.rows[0], (std::vector<int>{14, 15, 0, 1}));
  EXPECT_EQ(s.row_in_b, (std::vector<int>{1, 2, 3, 0}));
}

TEST(ShiftSymmetry, TheWholeAnalysisAgrees) {
  const auto a = analyze(test::test_scene({.shift = -2})), b = analyze(test::test_scene({.shift = 2}));
  for (int h = 0; h < 2; ++h) EXPECT_EQ(a->mask(h).cells(), b->mask(h).cells()) << h;
  for (int h = 0; h < 2; ++h) EXPECT_EQ(a->leaks[h].cells(), b->leaks[h].cells()) << h;
}

TEST(ShiftSymmetry, OddGroupHasNoHalf) {
  // G = 5: -3 and +2 differ by G and agree; -3 and +3 differ by 6 and cut other groups.
  EXPECT_TRUE(shift_symmetry(15, 5, -3, 2).same_groups);
  EXPECT_EQ(shift_symmetry(15, 5, -3, 2).mask_difference, 0);
  const ShiftSymmetry odd = shift_symmetry(15, 5, -3, 3);
  EXPECT_FALSE(odd.same_groups);
  EXPECT_GT(odd.mask_difference, 0);
}

}  // namespace
}  // namespace attnscope
