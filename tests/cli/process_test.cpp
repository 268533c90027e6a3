// The real binary as a process: exit codes, and --json writes exactly one JSON document to stdout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

#include "tests/support/process.hpp"

namespace attnscope {
namespace {

test::ProcessResult run(const std::string& args) {
  return test::process_run(std::string(ATTNSCOPE_BINARY) + " " + args + " 2>/dev/null");
}

TEST(Process, JsonIsOneDocumentOnStdout) {
  for (const char* args : {"variants --json", "mask --json", "leaks --json", "steps --json",
                           "verify --json", "mask --variant s2-fix-split --n 32 --g 8 --json"}) {
    const test::ProcessResult p = run(args);
    EXPECT_EQ(p.code, 0) << args;
    EXPECT_TRUE(nlohmann::json::accept(p.out)) << args << ": " << p.out.substr(0, 200);
  }
}

TEST(Process, ExitCodes) {
  EXPECT_EQ(run("mask").code, 0);
  EXPECT_EQ(run("mask --n 18").code, 2);
  EXPECT_EQ(run("mask --n 18").out, "");
  EXPECT_EQ(run("no-such-command").code, 2);
}

// Ctrl-C while a data-dependent variant scores (topk at N = 32768 runs for about a minute):
// exit 130 at once, and the figure it was making is not written, not even in part.
TEST(Process, CtrlCStopsALongAnalysisAndWritesNothing) {
  const std::string folder = testing::TempDir() + "attnscope_ctrl_c";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const auto start = std::chrono::steady_clock::now();
  const test::ProcessResult p = test::process_run(
      "timeout --preserve-status -s INT 1 " + std::string(ATTNSCOPE_BINARY) +
      " export --variant topk --n 32768 --heads 8 --view heatmap --mask --out " + folder + "/out.png 2>&1");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(p.code, 130) << p.out;
  EXPECT_NE(p.out.find("cancelled; nothing was written"), std::string::npos) << p.out;
  EXPECT_LT(seconds, 15.0);
  EXPECT_TRUE(std::filesystem::is_empty(folder));
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace attnscope
