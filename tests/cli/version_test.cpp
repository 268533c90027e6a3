// --version: the project version, and the git revision when the build knew it.
#include <gtest/gtest.h>

#include <regex>

#include "tests/cli/cli_test_support.hpp"

namespace attnscope::test {
namespace {

TEST(Version, PrintsTheVersionAndTheRevisionOnOneLine) {
  const CliResult r = cli({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(attnscope \d+\.\d+\.\d+( \(git [0-9a-f]{12}(-dirty)?\))?\n)")))
      << r.out;
}

}  // namespace
}  // namespace attnscope::test
