// The wrapped group's outline, the one rule behind every figure's and the live heatmap's orange
// pieces. Expected pieces are written from S2's rule: with the shift −G/2 head 1 puts token t at
// slot (t − G/2) mod N, so the last group of slots holds tokens [N − G/2, N) and [0, G/2).
#include <gtest/gtest.h>

#include "core/presentation/wrapped_group.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

std::vector<CellBox> corner_pieces(int n, int g) {
  const int early = g / 2, late = n - g / 2;
  return {{0, early, 0, early}, {0, early, late, n}, {late, n, 0, early}, {late, n, late, n}};
}

TEST(WrappedGroup, S2sShiftedHeadWrapsItsLastGroupIntoFourCornerPieces) {
  for (int g : {4, 8}) {
    const auto a = analyze(test::test_scene({.n = 16, .g = g}), test::structure_only());
    EXPECT_TRUE(wrapped_group_boxes(*a, 0).empty()) << "head 0 is not shifted";
    EXPECT_EQ(wrapped_group_boxes(*a, 1), corner_pieces(16, g)) << "G = " << g;
    // In frame slots the group is the last G slots: one square.
    EXPECT_EQ(wrapped_group_boxes(*a, 1, true), (std::vector<CellBox>{{16 - g, 16, 16 - g, 16}})) << "G = " << g;
  }
}

TEST(WrappedGroup, VariantsThatDoNotRollHaveNone) {
  for (const char* variant : {"s2-fix-split", "window", "full"}) {
    const auto a = analyze(test::test_scene({.variant = variant}), test::structure_only());
    for (int h = 0; h < a->heads(); ++h) EXPECT_TRUE(wrapped_group_boxes(*a, h).empty()) << variant << " head " << h;
  }
}

}  // namespace
}  // namespace attnscope
