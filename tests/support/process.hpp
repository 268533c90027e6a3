#pragma once
// Runs a shell command and captures its standard output and exit code: the CLI process tests,
// the README command test and the GUI screenshot tests all start the real binary through it.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace attnscope::test {

struct ProcessResult {
  int code = -1;  // the exit code, -1 when the process did not exit normally
  std::string out;
};

inline ProcessResult process_run(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  while (size_t got = fread(buffer.data(), 1, buffer.size(), pipe)) result.out.append(buffer.data(), got);
  const int status = pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace attnscope::test
