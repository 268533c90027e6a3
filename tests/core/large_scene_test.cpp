// The paper's table configuration, N = 8192 and G = 2048, must analyse within 1 GiB. Measured in
// a child process so the peak resident size belongs to this analysis alone.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "tests/core/child_rss.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(LargeScene, TableConfigurationFitsInOneGiB) {
  const test::ChildReport report = test::run_in_child([] {
    return static_cast<long>(analyze(test::test_scene({.n = 8192, .g = 2048}))->metrics.heads[1].leaks);
  });
  EXPECT_EQ(report.value, 1024L * 1024L) << "(G/2)² leaks in the shifted head";
  EXPECT_LT(report.peak_rss_kib, 1024L * 1024L) << "peak resident size in KiB";
  RecordProperty("peak_rss_kib", std::to_string(report.peak_rss_kib));
}

}  // namespace
}  // namespace attnscope
