// The cost model: every closed-form cell count against the cells counted in the variant's mask,
// and the paper's setting worked out by hand.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/analysis/cost.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

struct CostCase {
  std::string variant;
  int n, g, heads;
  std::map<std::string, std::string> params;
  std::optional<int> shift;
};

std::string describe(const CostCase& c) {
  std::string s = c.variant + " n=" + std::to_string(c.n) + " g=" + std::to_string(c.g);
  for (const auto& [k, v] : c.params) s += " " + k + "=" + v;
  if (c.shift) s += " shift=" + std::to_string(*c.shift);
  return s;
}

TEST(Cost, FormulaEqualsCountedCellsForEveryClosedForm) {
  const std::vector<CostCase> cases = {
      {"full", 16, 4, 2, {}, {}},          {"full", 37, 4, 2, {}, {}},
      {"short", 32, 8, 2, {}, {}},         {"s2", 16, 4, 2, {}, {}},
      {"s2", 64, 16, 4, {}, {}},           {"s2", 15, 5, 2, {}, -3},
      {"s2-fix-mask", 32, 8, 2, {}, {}},   {"s2-fix-split", 16, 4, 2, {}, {}},
      {"s2-fix-split", 18, 4, 2, {}, {}},  {"s2-fix-split", 24, 6, 2, {}, -1},
      {"window", 16, 4, 1, {{"window", "5"}}, {}}, {"window", 6, 4, 1, {{"window", "6"}}, {}},
      {"streaming", 8, 4, 1, {{"sinks", "4"}, {"window", "6"}}, {}},
      {"streaming", 32, 4, 1, {{"sinks", "2"}, {"window", "6"}}, {}},
      {"block", 30, 4, 1, {{"block", "7"}}, {}}, {"block", 32, 8, 1, {}, {}},
  };
  for (const CostCase& c : cases) {
    const Scene scene = test::test_scene(
        {.variant = c.variant, .n = c.n, .heads = c.heads, .g = c.g, .shift = c.shift, .params = c.params});
    const auto a = analyze(scene);
    for (int h = 0; h < scene.heads; ++h) {
      const std::optional<CostFormula> f = cost_formula(scene, h);
      ASSERT_TRUE(f.has_value()) << describe(c);
      EXPECT_EQ(f->cells, a->mask(h).count()) << describe(c) << " head " << h << ": " << f->text;
    }
  }
}

TEST(Cost, PatternsWithoutAClosedFormAreCounted) {
  const Scene scene = test::test_scene({.variant = "strided"});
  EXPECT_FALSE(cost_formula(scene, 0).has_value());
  const auto a = analyze(scene);
  const CostTable t = cost_table(scene, a->qkv);
  EXPECT_EQ(t.rows.front().variant, "strided");
  EXPECT_EQ(t.rows.front().formula, "counted");
  EXPECT_EQ(t.rows.front().cells[0], a->mask(0).count());
}

TEST(Cost, TableMeasuresEveryVariantAgainstFullAndDense) {
  const Scene scene;  // classroom: s2, N = 16, G = 4, H = 2
  const auto a = analyze(scene);
  const CostTable t = cost_table(scene, a->qkv);
  EXPECT_EQ(t.dense_cells, 256);
  EXPECT_EQ(t.full_cells, 136);  // 16·17/2
  EXPECT_EQ(t.rows.size(), variant_all().size() - 1);  // all but `file`, a user's mask file
  for (const CostRow& r : t.rows) {
    if (r.variant == "s2") {
      EXPECT_EQ(r.cells, (std::vector<int64_t>{40, 40}));  // 4 groups × 4·5/2
      EXPECT_DOUBLE_EQ(r.vs_full, 40.0 / 136);
      EXPECT_DOUBLE_EQ(r.vs_dense, 40.0 / 256);
      EXPECT_DOUBLE_EQ(r.flops_per_head, 4.0 * 8 * 40);  // 4·D per cell, D = 8
    }
    if (r.variant == "full") EXPECT_DOUBLE_EQ(r.vs_full, 1.0);
  }
  EXPECT_DOUBLE_EQ(a->metrics.flops_vs_full, 40.0 / 136);
  EXPECT_DOUBLE_EQ(a->metrics.flops_vs_dense, 40.0 / 256);
}

TEST(Cost, PaperSettingByHand) {
  const Scene scene = test::test_scene({.n = 8192, .g = 2048});
  const std::optional<CostFormula> f = cost_formula(scene, 1);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->cells, 8392704);  // 4 groups × 2048·2049/2
  EXPECT_EQ(cost_full_cells(8192), 33558528);  // 8192·8193/2
  EXPECT_NEAR(double(f->cells) / cost_full_cells(8192), 0.2501, 1e-4);
  // One LLaMA-2 7B layer: projections 8·N·d², MLP 6·N·d·d_ff, attention 32 heads × 4·128 per cell.
  const LayerCost layer = cost_layer(8192, 4096, 11008, 32, f->cells);
  EXPECT_DOUBLE_EQ(layer.projections, 8.0 * 8192 * 4096 * 4096);
  EXPECT_DOUBLE_EQ(layer.mlp, 6.0 * 8192 * 4096 * 11008);
  EXPECT_DOUBLE_EQ(layer.attention_full, 32 * 512.0 * 33558528);
  EXPECT_DOUBLE_EQ(layer.attention, 32 * 512.0 * 8392704);
  EXPECT_EQ(cost_number_text(1099511627776.0), "1.1 T");
  // Below 10⁴ the number stays whole and reads like every other count on screen.
  EXPECT_EQ(cost_number_text(40), "40");
  EXPECT_EQ(cost_number_text(1280), "1,280");
  EXPECT_EQ(cost_number_text(9999.4), "9,999");
}

}  // namespace
}  // namespace attnscope
