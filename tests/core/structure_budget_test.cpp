// The structure budget: row sets charge what they hold while they hold it, and a scene whose
// masks would pass the budget is refused while it is built.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/cells/row_runs.hpp"
#include "core/cells/structure_budget.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

RowRuns banded(int n, int width) {
  RowRuns set(n, n);
  for (int q = 0; q < n; ++q) set.append_row({{std::max(0, q - width), q + 1}, {std::min(n - 1, q + 2), n}});
  return set;
}

TEST(StructureBudget, SetsChargeTheirStorageWhileTheyHoldIt) {
  const StructureBudget budget(int64_t{1} << 30);
  {
    const RowRuns a = banded(1000, 3);
    EXPECT_EQ(budget.used(), a.storage_bytes());
    RowRuns b = a;  // shares the storage: charged once
    EXPECT_EQ(budget.used(), a.storage_bytes());
    RowRuns c(1000, 1000);
    for (int q = 0; q < 1000; ++q) c.append_row({{0, q + 1}});
    EXPECT_EQ(budget.used(), a.storage_bytes() + c.storage_bytes());
  }
  EXPECT_EQ(budget.used(), 0);
}

TEST(StructureBudget, SetsMadeOutsideABudgetAreNotCharged) {
  const RowRuns outside = banded(100, 3);
  const StructureBudget budget(int64_t{1} << 30);
  RowRuns copy = outside;
  EXPECT_EQ(budget.used(), 0);
}

TEST(StructureBudget, PassingTheBudgetIsASceneErrorNamingTheFlag) {
  const StructureBudget budget(64 << 10);
  try {
    banded(10000, 3);
    FAIL() << "10000 rows of two runs passed a 64 KiB budget";
  } catch (const SceneError& e) {
    EXPECT_NE(std::string(e.what()).find("--max-memory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(budget.used(), 0);  // the refused set gave its charge back
}

TEST(StructureBudget, AnalysisRefusesAStructureOverTheBudgetAndKeepsOneUnder) {
  const Scene scene = test::test_scene({.variant = "bigbird", .n = 65536, .heads = 8});
  AnalyzeOptions options;
  options.values = false;
  options.memory_budget_bytes = 8 << 20;
  EXPECT_THROW(analyze(scene, options), SceneError);
  options.memory_budget_bytes = int64_t{1} << 30;
  const auto analysis = analyze(scene, options);
  int64_t held = 0;
  for (const RowRuns* mask : runs_distinct(analysis->build.masks)) held += mask->storage_bytes();
  EXPECT_GT(held, int64_t{8} << 20);  // the refused budget was really too small
}

}  // namespace
}  // namespace attnscope
