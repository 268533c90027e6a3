// Progress from inside computations without a callback: the scope's reports, spans of it, and a
// cancel that stops a data-dependent build while it scores, not after it.
#include <gtest/gtest.h>

#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/base/progress_scope.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(ProgressScope, ReportsAThousandthAtMostAndNothingOutsideAScope) {
  progress_report(1, 2);  // no scope: nothing to call
  std::vector<double> seen;
  {
    const ProgressScope scope([&](double fraction) { seen.push_back(fraction); });
    for (int64_t done = 0; done < 100000; ++done) progress_report(done, 100000);
  }
  ASSERT_EQ(seen.size(), 1000u);
  EXPECT_DOUBLE_EQ(seen.front(), 0.0);
  EXPECT_DOUBLE_EQ(seen.back(), 0.999);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]);
  progress_report(5, 10);  // the scope is gone
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ProgressScope, AnInnerScopeReplacesTheOuterOneForItsLifetime) {
  int outer = 0, inner = 0;
  const ProgressScope outer_scope([&](double) { ++outer; });
  {
    const ProgressScope inner_scope([&](double) { ++inner; });
    progress_report(1, 2);
  }
  progress_report(1, 4);
  EXPECT_EQ(inner, 1);
  EXPECT_EQ(outer, 1);
}

TEST(ProgressScope, ASpanReportsIntoItsStretchOfTheScope) {
  {
    const ProgressSpan alone(0.5, 1.0);  // no scope around it: reports reach nobody
    progress_report(1, 2);
  }
  std::vector<double> seen;
  const ProgressScope scope([&](double fraction) { seen.push_back(fraction); });
  {
    const ProgressSpan second_half(0.5, 1.0);
    progress_report(1, 4);
    progress_report(3, 4);
  }
  progress_report(1, 10);
  EXPECT_EQ(seen, (std::vector<double>{0.625, 0.875, 0.1}));
}

// topk scores every earlier key of every query: its build is nearly the whole analysis, so its
// progress must move while it runs, and a cancel must land there.
TEST(ProgressScope, ADataDependentBuildReportsAsItScoresAndStopsOnCancel) {
  const Scene scene = test::test_scene({.variant = "topk", .n = 1024, .heads = 4});
  std::vector<double> seen;
  AnalyzeOptions options = test::structure_only();
  options.progress = [&](double fraction) { seen.push_back(fraction); };
  analyze(scene, options);
  int during_build = 0;
  for (double fraction : seen) during_build += fraction > 0.05 && fraction < 0.95;
  EXPECT_GT(during_build, 500);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1], seen[i]) << i;
  EXPECT_DOUBLE_EQ(seen.back(), 1.0);

  double stopped_at = -1;
  options.progress = [&](double fraction) {
    if (fraction > 0.2) {
      stopped_at = fraction;
      throw AnalysisCancelled();
    }
  };
  EXPECT_THROW(analyze(scene, options), AnalysisCancelled);
  EXPECT_LT(stopped_at, 0.21);  // the first report past 0.2, from inside the scoring
}

}  // namespace
}  // namespace attnscope
