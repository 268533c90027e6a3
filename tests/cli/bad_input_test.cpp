// Bad input: a one-line message on stderr that says what to change, exit code 2, nothing on stdout.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/scene/variant.hpp"
#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

using test::cli;

struct BadInput {
  std::vector<std::string> args;
  std::string message;  // must appear in stderr
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, SaysWhatToChangeAndExitsTwo) {
  const auto r = cli(GetParam().args);
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{{"mask", "--n", "18"}, "n: 18 is not divisible by the group size g = 4"},
        BadInput{{"mask", "--g", "5", "--n", "20"}, "g: group size 5 is odd"},
        BadInput{{"mask", "--heads", "3"}, "heads: s2 shifts half of the heads, so heads must be even"},
        BadInput{{"mask", "--variant", "s3"}, "variant: unknown variant 's3'; run 'attnscope variants'"},
        BadInput{{"mask", "--n", "sixteen"}, "n: 'sixteen' is not a whole number"},
        BadInput{{"mask", "--n", "0"}, "n: 0 is outside 1..1048576"},
        BadInput{{"mask", "--policy", "sideways"}, "policy: unknown policy 'sideways'"},
        BadInput{{"mask", "--policy", "documents:4,4"}, "policy: document lengths add up to 8 but n is 16"},
        // Masks need no attention values; a weights figure does, and is refused above the budget.
        BadInput{{"export", "--out", "never_written.png", "--variant", "full", "--n", "65536",
                  "--heads", "64", "--d", "1024"},
                 "GiB"},
        BadInput{{"export", "--out", "never_written.png", "--variant", "full", "--n", "8192",
                  "--heads", "16"},
                 "n: this scene needs about"},
        BadInput{{"mask", "--head", "2"}, "head: 2 is not a head of this scene; use 0..1"},
        BadInput{{"mask", "--scene", "/nonexistent/scene.json"}, "cannot open '/nonexistent/scene.json'"},
        BadInput{{"mask", "--scene", write_temp("attnscope_bad.json", "{\"n\": 16")},
                 "is not valid JSON"},
        BadInput{{"mask", "--scene", write_temp("attnscope_badkey.json", "{\"groups\": 4}")},
                 "groups: unknown key"},
        BadInput{{"mask", "--scene", write_temp("attnscope_badtype.json", "{\"g\": \"four\"}")},
                 "g: expected a whole number"},
        BadInput{{"mask", "--seed", "-4"}, "seed: must be a non-negative whole number"},
        BadInput{{"mask", "--max-memory", "0"}, "max-memory: give a positive number of MiB"},
        BadInput{{"verify", "--n", "16384", "--g", "4096", "--max-memory", "8192"},
                 "n: verify compares dense (B, H, N, N) weights"},
        BadInput{{"frobnicate"}, "(see 'attnscope --help')"},
        BadInput{{"mask", "--bogus"}, "(see 'attnscope --help')"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(CliBadInput, FlagsAfterASceneFileOverrideIt) {
  const std::string path = write_temp("attnscope_override.json", "{\"variant\": \"short\", \"n\": 18}");
  EXPECT_EQ(cli({"mask", "--scene", path}).code, 2);  // 18 is not a multiple of 4
  const auto r = cli({"mask", "--scene", path, "--g", "6", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"variant\":\"short\""), std::string::npos);
  EXPECT_NE(r.out.find("\"n\":18"), std::string::npos);
}

TEST(CliHelp, WorksOnEveryLevel) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"mask", "--help"}, {"leaks", "--help"},
        {"steps", "--help"}, {"verify", "--help"}, {"variants", "--help"}}) {
    const auto r = cli(args);
    EXPECT_EQ(r.code, 0) << args[0];
    EXPECT_NE(r.out.find("--help"), std::string::npos) << args[0];
  }
  const std::string mask_help = cli({"mask", "--help"}).out;
  for (const Variant* variant : variant_all())
    for (const ParamSpec& spec : variant->info().params)
      EXPECT_NE(mask_help.find("--" + spec.name), std::string::npos)
          << "every variant parameter is a flag: " << spec.name;
}

}  // namespace
}  // namespace attnscope
