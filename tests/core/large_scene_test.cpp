// The paper's table configuration, N = 8192 and G = 2048, must analyse within 1 GiB. Measured in
// a child process so the peak resident size belongs to this analysis alone.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/analysis.hpp"

namespace attnscope {
namespace {

TEST(LargeScene, TableConfigurationFitsInOneGiB) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Scene scene;
    scene.n = 8192;
    scene.g = 2048;
    const auto a = analyze(scene);
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const long report[2] = {usage.ru_maxrss, static_cast<long>(a->metrics.heads[1].leaks)};
    (void)!write(pipe_fds[1], report, sizeof report);
    _exit(0);
  }
  long report[2] = {0, 0};
  ASSERT_EQ(read(pipe_fds[0], report, sizeof report), static_cast<ssize_t>(sizeof report));
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(report[1], 1024L * 1024L) << "(G/2)² leaks in the shifted head";
  EXPECT_LT(report[0], 1024L * 1024L) << "peak resident size in KiB";
  RecordProperty("peak_rss_kib", std::to_string(report[0]));
}

}  // namespace
}  // namespace attnscope
