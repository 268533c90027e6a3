// Comparing variants in the core: the compared scene keeps q, k and v, and the three difference
// layers split the union of two masks into disjoint parts painted in three distinct colours.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/presentation/compare.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(Compare, TheComparedSceneHasTheSameQkvAndParameters) {
  const Scene scene = test::test_scene({.variant = "s2", .compare = {"s2-fix-mask"}});
  const Scene other = compare_scene(scene, "s2-fix-mask");
  EXPECT_EQ(other.variant, "s2-fix-mask");
  EXPECT_TRUE(other.compare.empty());
  EXPECT_EQ(analyze(other)->qkv.data, analyze(scene)->qkv.data);
}

TEST(Compare, DiffCellsPartitionTheUnion) {
  // s2 head 1 reads keys 14 and 15 from query 0 (the wrapped group); s2-fix-mask does not.
  const auto a = analyze(test::test_scene({.variant = "s2"}));
  const auto b = analyze(test::test_scene({.variant = "s2-fix-mask"}));
  const RowRuns& ma = a->mask(1);
  const RowRuns& mb = b->mask(1);
  const RowRuns only_a = diff_cells(ma, mb, DiffOp::AMinusB);
  const RowRuns only_b = diff_cells(ma, mb, DiffOp::BMinusA);
  const RowRuns both = diff_cells(ma, mb, DiffOp::Both);
  EXPECT_TRUE(only_a.contains(0, 14));
  EXPECT_TRUE(only_a.contains(0, 15));
  EXPECT_FALSE(only_b.contains(0, 14));
  EXPECT_EQ(only_a.count() + both.count(), ma.count());
  EXPECT_EQ(only_b.count() + both.count(), mb.count());
  EXPECT_EQ(runs_intersection(only_a, only_b).count(), 0);
}

TEST(Compare, DiffColoursAreDistinctAndNotMasked) {
  const Rgb8 colours[] = {diff_color(DiffOp::AMinusB), diff_color(DiffOp::BMinusA), diff_color(DiffOp::Both)};
  EXPECT_NE(colours[0], colours[1]);
  EXPECT_NE(colours[1], colours[2]);
  EXPECT_NE(colours[0], colours[2]);
  for (const Rgb8& c : colours) EXPECT_NE(c, theme_get(ThemeName::Light).masked);
}

}  // namespace
}  // namespace attnscope
