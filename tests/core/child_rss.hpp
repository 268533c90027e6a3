#pragma once
// Runs `work` in a forked child so the peak resident size belongs to that work alone; the child
// reports its peak RSS (KiB) and the number `work` returns.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

namespace attnscope::test {

struct ChildReport {
  long peak_rss_kib = 0;
  long value = 0;
};

inline ChildReport run_in_child(const std::function<long()>& work) {
  int pipe_fds[2];
  EXPECT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  EXPECT_GE(child, 0);
  if (child == 0) {
    const long value = work();
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const long report[2] = {usage.ru_maxrss, value};
    (void)!write(pipe_fds[1], report, sizeof report);
    _exit(0);
  }
  long report[2] = {0, 0};
  EXPECT_EQ(read(pipe_fds[0], report, sizeof report), static_cast<ssize_t>(sizeof report));
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return {report[0], report[1]};
}

}  // namespace attnscope::test
