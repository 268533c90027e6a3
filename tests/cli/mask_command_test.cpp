#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

using test::cli;

TEST(MaskCommand, ClassroomSceneDrawsTheFourLeaks) {
  const auto r = cli({"mask", "--variant", "s2", "--n", "16", "--g", "4", "--heads", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("q=  0 #.............XX"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("q=  1 ##............XX"), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty());
}

TEST(MaskCommand, JsonMatchesTheContract) {
  const auto r = cli({"mask", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["variant"], "s2");
  EXPECT_EQ(j["n"], 16);
  EXPECT_EQ(j["h"], 2);
  EXPECT_EQ(j["policy"], "causal");
  EXPECT_EQ(j["params"], (nlohmann::json{{"g", 4}, {"shift", -2}}));
  ASSERT_EQ(j["per_head"].size(), 2u);
  EXPECT_EQ(j["per_head"][0]["allowed"], 40);
  EXPECT_EQ(j["per_head"][0]["leaks"], nlohmann::json::array());
  EXPECT_EQ(j["per_head"][1]["leaks"], (nlohmann::json{{0, 14}, {0, 15}, {1, 14}, {1, 15}}));
  EXPECT_EQ(j["per_head"][1]["rows"][0], "#.............XX");
  EXPECT_EQ(j["total_allowed"], 80);
  EXPECT_EQ(j["total_leaks"], 4);
}

TEST(MaskCommand, HeadSelectsOneHead) {
  const auto r = cli({"mask", "--json", "--head", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["per_head"].size(), 1u);
  EXPECT_EQ(j["per_head"][0]["head"], 1);
  EXPECT_EQ(j["total_leaks"], 4);
}

TEST(LeaksCommand, ExplainsEachLeak) {
  const auto r = cli({"leaks", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["leaks"].size(), 4u);
  const auto& first = j["leaks"][0];
  EXPECT_EQ(first["head"], 1);
  EXPECT_EQ(first["q"], 0);
  EXPECT_EQ(first["k"], 14);
  EXPECT_EQ(first["why"],
            "query 0 sits in frame slot 14 (group 3, offset 2), key 14 in frame slot 12 (the same "
            "group 3, offset 0); the causal mask compared frame slots (12 <= 14), not tokens "
            "(14 > 0)");
}

TEST(LeaksCommand, FixedVariantsReportNone) {
  for (const char* v : {"s2-fix-mask", "s2-fix-split"}) {
    const auto r = cli({"leaks", "--variant", v});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("no leaks"), std::string::npos) << v;
  }
}

TEST(VerifyCommand, CoreAgreesWithLibTorch) {
  const auto r = cli({"verify", "--json", "--batch", "2", "--n", "32", "--g", "8"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_LE(j["max_abs_diff_output"].get<double>(), 1e-5);
  EXPECT_LE(j["max_abs_diff_weights"].get<double>(), 1e-5);
}

TEST(VariantsCommand, ListsTheS2Family) {
  const auto r = cli({"variants", "--json"});
  ASSERT_EQ(r.code, 0);
  const auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& v : j["variants"]) {
    names.push_back(v["name"]);
    EXPECT_FALSE(v["description"].get<std::string>().empty());
    EXPECT_FALSE(v["source"].get<std::string>().empty());
  }
  for (const char* expected : {"full", "short", "s2", "s2-fix-mask", "s2-fix-split"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  EXPECT_EQ(j["variants"][2]["name"], "s2");
  EXPECT_EQ(j["variants"][2]["params"], (nlohmann::json{"g", "shift", "unroll"}));
}

}  // namespace
}  // namespace attnscope

namespace attnscope {
namespace {

TEST(MaskCommand, FrameViewShowsTheLeakInsideTheFramesCausalTriangle) {
  const auto r = test::cli({"mask", "--frame", "--head", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("slot -> token 2 3 4 5 | 6 7 8 9 | 10 11 12 13 | 14 15 0 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("f= 14 (t  0) ............XX#."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("f= 15 (t  1) ............XX##"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace attnscope
