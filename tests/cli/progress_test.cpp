// The CLI's progress line: the percentage, and the time left once the rate can be told.
#include <gtest/gtest.h>

#include "app/cli/progress.hpp"

namespace attnscope {
namespace {

TEST(ProgressLine, PercentOnlyUntilTheRateCanBeTold) {
  EXPECT_EQ(progress_line("analysing", 0.05, 1.0), "analysing:   5%");   // under 2 s
  EXPECT_EQ(progress_line("analysing", 0.005, 30.0), "analysing:   0%");  // under 1% done
  EXPECT_EQ(progress_line("analysing", 1.0, 30.0), "analysing: 100%");
}

TEST(ProgressLine, TimeLeftFromTheRateSoFar) {
  EXPECT_EQ(progress_line("analysing", 0.5, 10.0), "analysing:  50%, about 10 s left");
  EXPECT_EQ(progress_line("analysing", 0.05, 10.0), "analysing:   5%, about 3 min left");   // 190 s
  EXPECT_EQ(progress_line("analysing", 0.01, 100.0), "analysing:   1%, about 2.8 h left");  // 9900 s
}

}  // namespace
}  // namespace attnscope
