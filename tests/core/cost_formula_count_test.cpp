// The cost table's formula ends in the count it stands beside: a variant whose heads differ gives
// each head's closed form and then their mean, which is the cells column; a pattern above full says
// how many cells read a later key and, for flash, that causal=false is its default.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>

#include "core/analysis/cost.hpp"
#include "core/scene/qkv.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

const CostRow& row_of(const CostTable& t, const std::string& variant) {
  for (const CostRow& r : t.rows)
    if (r.variant == variant) return r;
  throw std::runtime_error(variant + " is not in the table");
}

// The value after the formula's last "= " (or ": "), before any "; not causal" note.
double stated_value(const std::string& formula) {
  const std::string closed = formula.substr(0, formula.find("; not causal"));
  static const std::regex last_value(R"([=:]\s*([0-9.]+)\s*$)");
  std::smatch m;
  if (!std::regex_search(closed, m, last_value)) return -1;
  return std::stod(m[1].str());
}

TEST(CostFormulaCount, EveryClosedFormEndsInItsCellsColumn) {
  const Scene scene = test::test_scene({});  // s2, N = 16, G = 4, H = 2
  const CostTable t = cost_table(scene, qkv_generate(scene));
  for (const CostRow& r : t.rows) {
    if (!r.error.empty() || r.formula.rfind("counted", 0) == 0) continue;
    EXPECT_DOUBLE_EQ(stated_value(r.formula), r.cells_per_head) << r.variant << ": " << r.formula;
  }
  // s2-fix-split at N = 16, from LongLoRA's flash path: head 0 has 4 causal groups of 4 (4·10 = 40
  // cells), head 1 the segments [0, 2) [2, 6) [6, 10) [10, 14) [14, 16) (3 + 3·10 + 3 = 36).
  int head0 = 0, head1 = 0;
  for (int q = 0; q < 16; ++q)
    for (int k = 0; k <= q; ++k) {
      head0 += q / 4 == k / 4;
      head1 += (q + 2) / 4 == (k + 2) / 4;
    }
  ASSERT_EQ(head0, 40);
  ASSERT_EQ(head1, 36);
  const CostRow& split = row_of(t, "s2-fix-split");
  EXPECT_DOUBLE_EQ(split.cells_per_head, (head0 + head1) / 2.0);
  EXPECT_NE(split.formula.find(fmt::format("mean over the 2 heads = {}", (head0 + head1) / 2)), std::string::npos)
      << split.formula;
}

TEST(CostFormulaCount, FlashAboveFullSaysItIsNotCausalByDefault) {
  const Scene scene = test::test_scene({});
  const CostTable t = cost_table(scene, qkv_generate(scene));
  const CostRow& flash = row_of(t, "flash");
  ASSERT_GT(flash.vs_full, 1.0);
  const int later = 16 * 15 / 2;  // every key after its query, in the one sequence of 16 tokens
  EXPECT_NE(flash.formula.find(fmt::format("not causal: {} cells of head 0 read a later key (causal=false by default)", later)),
            std::string::npos)
      << flash.formula;
  for (const CostRow& r : t.rows)
    if (r.error.empty() && r.vs_full <= 1.0) EXPECT_EQ(r.formula.find("not causal"), std::string::npos) << r.variant;
}

}  // namespace
}  // namespace attnscope
