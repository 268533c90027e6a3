// The real binary as a process: exit codes, and --json writes exactly one JSON document to stdout.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

namespace attnscope {
namespace {

struct Process {
  int code;
  std::string out;
};

Process run(const std::string& args) {
  const std::string command = std::string(ATTNSCOPE_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buffer;
  while (size_t got = fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(Process, JsonIsOneDocumentOnStdout) {
  for (const char* args : {"variants --json", "mask --json", "leaks --json", "steps --json",
                           "verify --json", "mask --variant s2-fix-split --n 32 --g 8 --json"}) {
    const Process p = run(args);
    EXPECT_EQ(p.code, 0) << args;
    EXPECT_NO_THROW((void)nlohmann::json::parse(p.out)) << args << ": " << p.out.substr(0, 200);
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
