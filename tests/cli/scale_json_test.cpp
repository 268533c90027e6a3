// JSON at LongLoRA's real length: exact 64-bit counts, leaks as runs, explanations limited,
// provenance as runs; nothing prints a table of N² or N·H entries.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_support.hpp"
#include "tests/core/child_rss.hpp"

namespace attnscope {
namespace {

using test::cli;

const std::vector<std::string> kLongLoRA = {"--n", "131072", "--g", "32768", "--heads", "32"};

std::vector<std::string> with_scene(std::vector<std::string> args) {
  args.insert(args.end(), kLongLoRA.begin(), kLongLoRA.end());
  return args;
}

TEST(ScaleJson, LeaksAreRunsWithExactCounts) {
  const auto r = cli(with_scene({"leaks", "--json", "--limit", "3"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total_leaks"].get<int64_t>(), int64_t{16} * 16384 * 16384);
  EXPECT_EQ(j["listed"], 3);
  ASSERT_EQ(j["leaks"].size(), 3u);
  ASSERT_EQ(j["leak_runs"].size(), 16u);  // the shifted heads
  for (const auto& head : j["leak_runs"]) {
    EXPECT_GE(head["head"].get<int>(), 16);
    EXPECT_EQ(head["count"].get<int64_t>(), int64_t{16384} * 16384);
    // Query q < G/2 of the wrapped group reads the tail [N - G/2, N): one run per row.
    ASSERT_EQ(head["runs"].size(), 16384u);
    int64_t cells = 0;
    for (const auto& run : head["runs"]) {
      EXPECT_EQ(run[1], 131072 - 16384);
      EXPECT_EQ(run[2], 131072);
      cells += run[2].get<int64_t>() - run[1].get<int64_t>();
    }
    EXPECT_EQ(cells, head["count"].get<int64_t>());
  }
  EXPECT_LT(r.out.size(), 64u << 20);
}

TEST(ScaleJson, MaskGivesCountsWithoutGrids) {
  const auto r = cli(with_scene({"mask", "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["total_leaks"].get<int64_t>(), int64_t{4294967296});
  EXPECT_EQ(j["per_head"][31]["leak_count"].get<int64_t>(), int64_t{268435456});
  EXPECT_EQ(j["per_head"][31]["row_runs"], 131072 + 16384);
  EXPECT_FALSE(j["per_head"][0].contains("rows"));
  EXPECT_EQ(j["reach"].size(), 131072u);
  EXPECT_LT(r.out.size(), 4u << 20);
}

TEST(ScaleJson, MaskTextPrintsExactCounts) {
  const auto r = cli(with_scene({"mask", "--head", "31"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("head 31: 2147549184 allowed (12.5% of N²), 268435456 leaks"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("4294967296 leaks"), std::string::npos) << r.out;
}

TEST(ScaleJson, StepsGiveProvenanceAsRuns) {
  const auto r = cli(with_scene({"steps", "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& steps = j["steps"];
  const auto roll = std::find_if(steps.begin(), steps.end(), [](const auto& s) { return s["name"] == "roll"; });
  ASSERT_NE(roll, steps.end());
  EXPECT_FALSE(roll->contains("tokens"));
  // Head 31 is rolled by -G/2: slots [0, N - G/2) hold tokens from G/2, the rest wrap to 0.
  EXPECT_EQ((*roll)["token_runs"][31], (nlohmann::json{{0, 131072 - 16384, 16384}, {131072 - 16384, 131072, 0}}));
  EXPECT_EQ((*roll)["token_runs"][0], (nlohmann::json{{0, 131072, 0}}));
  EXPECT_LT(r.out.size(), 1u << 20);
}

TEST(ScaleJson, SmallScenesKeepTheirTables) {
  const auto r = cli({"steps", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& roll = j["steps"][2];
  ASSERT_EQ(roll["name"], "roll");
  EXPECT_EQ(roll["tokens"][0], (nlohmann::json{0, 2}));
  EXPECT_EQ(roll["token_runs"][1], (nlohmann::json{{0, 14, 2}, {14, 16, 0}}));
}

// Every step's runs, head by head, decode to its per-row tables: heads that share a column (all
// heads of a decode step, the unshifted heads of S2), whose runs are found once, included.
TEST(ScaleJson, ProvenanceRunsDecodeToTheTables) {
  for (const char* variant : {"s2", "streaming", "longnet", "sf", "h2o"}) {
    const auto r = cli({"steps", "--json", "--variant", variant, "--n", "64", "--heads", "4", "--g", "16"});
    ASSERT_EQ(r.code, 0) << variant << ": " << r.err;
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& step : j["steps"]) {
      ASSERT_TRUE(step.contains("tokens")) << variant;
      const auto& tokens = step["tokens"];
      const auto& head_groups = step["head_groups"];
      for (size_t h = 0; h < step["token_runs"].size(); ++h) {
        size_t rows = 0;
        for (const auto& run : step["token_runs"][h]) {
          for (int row = run[0]; row < run[1]; ++row)
            ASSERT_EQ(tokens[row][h], run[2].get<int>() + (row - run[0].get<int>())) << variant << " " << step["name"] << " head " << h << " row " << row;
          rows += run[1].get<size_t>() - run[0].get<size_t>();
        }
        for (const auto& run : step["group_runs"][h])
          for (int row = run[0]; row < run[1]; ++row)
            ASSERT_EQ(head_groups[row][h], run[2]) << variant << " " << step["name"] << " head " << h << " row " << row;
        EXPECT_EQ(rows, tokens.size()) << variant << " " << step["name"] << " head " << h;
      }
    }
  }
}

// Counts what is written and keeps none of it.
class CountingBuffer final : public std::streambuf {
 public:
  long bytes = 0;

 protected:
  int_type overflow(int_type c) override {
    ++bytes;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char*, std::streamsize count) override {
    bytes += count;
    return count;
  }
};

// Output bytes of the command, or -1 if it failed, from a child whose peak memory is its own.
test::ChildReport json_in_child(std::vector<std::string> args) {
  return test::run_in_child([args] {
    CountingBuffer counted;
    std::ostream out(&counted);
    std::ostringstream err;
    return test::cli_to(args, out, err) == 0 ? counted.bytes : -1L;
  });
}

// Run lists of a hundred megabytes are written as they are produced, never held as a document
// (which took 2.6 GiB for BigBird's leaks and 1.8 GiB for LongNet's steps).
TEST(ScaleJson, LongRunListsAreStreamed) {
  for (const auto& args : {std::vector<std::string>{"leaks", "--json", "--variant", "bigbird"},
                           std::vector<std::string>{"steps", "--json", "--variant", "longnet"}}) {
    const auto report = json_in_child({args[0], args[1], args[2], args[3], "--n", "131072", "--heads", "32"});
    EXPECT_GT(report.value, 50L << 20) << args[3] << ": bytes written";
    EXPECT_LT(report.peak_rss_kib, 512L * 1024L) << args[3] << ": peak resident size in KiB";
  }
}

// BigBird's 32 random draws at a million tokens would hold 2.4 GiB of runs: refused once the
// masks pass --max-memory, before they take the rest.
TEST(ScaleJson, StructurePastTheMemoryBudgetIsRefusedWhileItIsBuilt) {
  const auto report = test::run_in_child([] {
    std::ostringstream out, err;
    const int code = test::cli_to({"mask", "--variant", "bigbird", "--n", "1048576", "--heads", "32"}, out, err);
    return code == 2 && err.str().find("raise --max-memory") != std::string::npos ? 1L : 0L;
  });
  EXPECT_EQ(report.value, 1L) << "exit 2 with a message naming --max-memory";
  EXPECT_LT(report.peak_rss_kib, 1536L * 1024L) << "peak resident size in KiB";
}

// Flash's 32 heads at a million tokens would print 800 MB of leak runs: refused before a byte is
// written, with the count and the flag that allows it.
TEST(ScaleJson, RunListsPastTheBoundAreRefusedBeforeAnythingIsPrinted) {
  const auto big = cli({"leaks", "--json", "--variant", "flash", "--n", "1048576", "--heads", "32"});
  EXPECT_EQ(big.code, 2);
  EXPECT_TRUE(big.out.empty());
  EXPECT_NE(big.err.find("33554400 runs"), std::string::npos) << big.err;
  EXPECT_NE(big.err.find("--max-runs"), std::string::npos) << big.err;
  // The S2 scene below lists 4 shifted heads × 8 rows of leak runs, and 2 steps' provenance.
  const std::vector<std::string> scene = {"--n", "64", "--g", "16", "--heads", "8"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.end(), scene.begin(), scene.end());
    return cli(args);
  };
  EXPECT_EQ(with({"leaks", "--json", "--max-runs", "31"}).code, 2);
  const auto exact = with({"leaks", "--json", "--max-runs", "32"});
  ASSERT_EQ(exact.code, 0) << exact.err;
  int64_t listed = 0;
  const auto doc = nlohmann::json::parse(exact.out);
  for (const auto& head : doc["leak_runs"]) listed += static_cast<int64_t>(head["runs"].size());
  EXPECT_EQ(listed, 32);
  EXPECT_EQ(with({"steps", "--json", "--max-runs", "1"}).code, 2);
  EXPECT_EQ(with({"steps", "--json"}).code, 0);
}

TEST(ScaleJson, StructureCommandsAcceptAMillionTokens) {
  const auto r = cli({"leaks", "--n", "1048576", "--g", "262144", "--heads", "2", "--limit", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("17179869184 leaking cells"), std::string::npos) << r.out.substr(0, 300);
  EXPECT_EQ(cli({"mask", "--n", "1048577"}).code, 2);
}

}  // namespace
}  // namespace attnscope
