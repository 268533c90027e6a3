// Thousands separators: what "1,048,576 leaks" and the axis ticks are made of.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/base/digits.hpp"

namespace attnscope {
namespace {

TEST(DigitsTest, GroupsOfThreeFromTheRight) {
  EXPECT_EQ(digits_grouped(0), "0");
  EXPECT_EQ(digits_grouped(999), "999");
  EXPECT_EQ(digits_grouped(1000), "1,000");
  EXPECT_EQ(digits_grouped(1048576), "1,048,576");
  EXPECT_EQ(digits_grouped(819212288), "819,212,288");
  EXPECT_EQ(digits_grouped(-4096), "-4,096");
  EXPECT_EQ(digits_grouped(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
}

// Counts in prose read like the grouped numbers beside them; digits that belong to something else
// (a decimal, a name, a number already grouped, a leading zero) are left alone.
TEST(DigitsTest, CountsInProseAreGroupedAndOtherDigitsAreNot) {
  EXPECT_EQ(counts_grouped("N(G+1)/2 = 8192\u00b72049/2 = 8392704"), "N(G+1)/2 = 8,192\u00b72,049/2 = 8,392,704");
  EXPECT_EQ(counts_grouped("groups of G = 2048, 4 groups"), "groups of G = 2,048, 4 groups");
  EXPECT_EQ(counts_grouped("0.2501x full, fp16, layer12345, 1,048,576 leaks, 0123"),
            "0.2501x full, fp16, layer12345, 1,048,576 leaks, 0123");
  EXPECT_EQ(counts_grouped(counts_grouped("33558528 cells")), "33,558,528 cells");
}

}  // namespace
}  // namespace attnscope
