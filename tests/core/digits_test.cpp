// Thousands separators: what "1,048,576 leaks" and the axis ticks are made of.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "core/presentation/digits.hpp"

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

}  // namespace
}  // namespace attnscope
