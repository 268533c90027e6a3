// A step's shape in words, as the GUI's step header and `attnscope steps` both print it: axis sizes
// named as sizes with their units, and the scene's symbol where the size is one it names. The
// expected lines are written out from the classroom scene (N = 16, G = 4, H = 2, D = 8, B = 1).
#include <gtest/gtest.h>

#include "core/presentation/step_shape.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

std::string shape_of(const Analysis& a, const std::string& step) {
  const int i = a.trace().find(step);
  EXPECT_GE(i, 0) << step;
  return i < 0 ? "" : step_shape_text(a.trace().steps[i], a.scene);
}

TEST(StepShape, S2sStepsNameEveryAxisSizeWithItsUnitAndSymbol) {
  const auto a = analyze(test::test_scene({}), test::structure_only());
  EXPECT_EQ(shape_of(*a, "input"), "(B = 1 sequence, N = 16 tokens, 3 (q, k, v), H = 2 heads, D = 8)");
  EXPECT_EQ(shape_of(*a, "chunk"), "(2 chunks, B = 1 sequence, N = 16 tokens, 3 (q, k, v), H/2 = 1 head, D = 8)");
  EXPECT_EQ(shape_of(*a, "group-reshape"), "(B\u00b7N/G = 4 groups, G = 4 tokens, 3 (q, k, v), H = 2 heads, D = 8)");
  EXPECT_EQ(shape_of(*a, "scores"), "(B\u00b7N/G = 4 groups, H = 2 heads, G = 4 queries, G = 4 keys)");
  EXPECT_EQ(shape_of(*a, "weighted-sum"), "(B\u00b7N/G = 4 groups, G = 4 tokens, H = 2 heads, D = 8)");
}

TEST(StepShape, GNamesNoSizeOfAVariantWithoutGroups) {
  // NSA's sliding window of 4 keys is not G, though the scene's unused G is 4 too.
  const auto a = analyze(test::test_scene({.variant = "nsa", .params = {{"window", "4"}}}), test::structure_only());
  EXPECT_EQ(shape_of(*a, "window"), "(B = 1 sequence, H = 2 heads, N = 16 queries, 4 keys)");
}

TEST(StepShape, AnAxisWithoutAUnitKeepsItsNameBesideItsSize) {
  Step step;
  step.shape = {2, 16};
  step.axes = {"d0", "d1"};
  EXPECT_EQ(step_shape_text(step, test::test_scene({})), "(d0 2, d1 16)");
}

}  // namespace
}  // namespace attnscope
