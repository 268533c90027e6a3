// Progress from inside a variant's build: the scope's reports, and a cancel that stops a
// data-dependent build while it scores, not after it.
#include <gtest/gtest.h>

#include <vector>

#include "core/analysis.hpp"
#include "core/build_progress.hpp"

namespace attnscope {
namespace {

TEST(BuildProgress, ReportsAThousandthAtMostAndNothingOutsideAScope) {
  build_progress(1, 2);  // no scope: nothing to call
  std::vector<double> seen;
  {
    const BuildProgressScope scope([&](double fraction) { seen.push_back(fraction); });
    for (int64_t done = 0; done < 100000; ++done) build_progress(done, 100000);
  }
  ASSERT_EQ(seen.size(), 1000u);
  EXPECT_DOUBLE_EQ(seen.front(), 0.0);
  EXPECT_DOUBLE_EQ(seen.back(), 0.999);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1], seen[i]);
  build_progress(5, 10);  // the scope is gone
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(BuildProgress, AnInnerScopeReplacesTheOuterOneForItsLifetime) {
  int outer = 0, inner = 0;
  const BuildProgressScope outer_scope([&](double) { ++outer; });
  {
    const BuildProgressScope inner_scope([&](double) { ++inner; });
    build_progress(1, 2);
  }
  build_progress(1, 4);
  EXPECT_EQ(inner, 1);
  EXPECT_EQ(outer, 1);
}

// topk scores every earlier key of every query: its build is nearly the whole analysis, so its
// progress must move while it runs, and a cancel must land there.
TEST(BuildProgress, ADataDependentBuildReportsAsItScoresAndStopsOnCancel) {
  Scene scene;
  scene.variant = "topk";
  scene.n = 1024;
  scene.heads = 4;
  std::vector<double> seen;
  AnalyzeOptions options;
  options.values = false;
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
