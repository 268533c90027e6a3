// The real binary as a process: exit codes, and --json writes exactly one JSON document to stdout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace attnscope
