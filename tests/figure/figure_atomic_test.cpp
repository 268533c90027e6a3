// A figure file is replaced whole or not at all: a writer killed at any moment leaves either
// the old file or the complete new one, and at most a hidden temporary beside it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "core/analysis/analysis.hpp"
#include "core/base/atomic_file.hpp"
#include "core/base/progress_scope.hpp"
#include "core/figure/figure.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

// Children that run forever until killed; _exit keeps them out of gtest's bookkeeping.
pid_t spawn(const std::function<void()>& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    body();
    _exit(0);
  }
  return pid;
}

void kill_and_reap(pid_t pid) {
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

void expect_only_hidden_temporaries(const test::TempDir& dir, const std::string& target) {
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    const std::string name = entry.path().filename().string();
    if (name == target) continue;
    EXPECT_EQ(name.rfind("." + target + ".", 0), 0u) << "unexpected file " << name;
    EXPECT_TRUE(name.ends_with(".tmp")) << name;
  }
}

TEST(FigureAtomicWrite, KilledExportLeavesOldOrNewFileWhole) {
  const auto a = analyze(test::test_scene({.n = 256, .g = 32}));
  FigureOptions old_options, new_options;
  old_options.theme = ThemeName::Dark;
  new_options.dpi = 400;
  const std::string old_bytes = figure_render(*a, old_options), new_bytes = figure_render(*a, new_options);
  ASSERT_NE(old_bytes, new_bytes);
  test::TempDir dir;
  const std::string path = dir / "figure.png";
  for (int delay_ms : {5, 40, 90, 150, 230, 320}) {
    test::write_file(path, old_bytes);
    const pid_t pid = spawn([&] {
      for (;;) figure_export(*a, new_options, path);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill_and_reap(pid);
    const std::string now = test::read_file(path);
    EXPECT_TRUE(now == old_bytes || now == new_bytes) << "after " << delay_ms << " ms: a " << now.size()
                                                      << "-byte file that is neither version";
    expect_only_hidden_temporaries(dir, "figure.png");
  }
}

TEST(FigureAtomicWrite, KilledMidWriteKeepsTheOldFile) {
  // A 256 MB write takes long enough that the kill lands inside it: the temporary is seen
  // growing, so the check below is made while a write is really under way.
  const std::string big(256u << 20, 'x');
  test::TempDir dir;
  const std::string path = dir / "figure.pdf";
  test::write_file(path, "old figure");
  const pid_t pid = spawn([&] { atomic_write_file(path, big); });
  bool seen_partial = false;
  for (int i = 0; i < 2000 && !seen_partial; ++i) {
    for (const auto& entry : std::filesystem::directory_iterator(dir.path))
      if (entry.path().filename() != "figure.pdf" && entry.file_size() > 0) seen_partial = true;
    if (!seen_partial) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill_and_reap(pid);
  EXPECT_TRUE(seen_partial) << "the writer finished before it could be killed";
  EXPECT_EQ(test::read_file(path), "old figure");
  expect_only_hidden_temporaries(dir, "figure.pdf");
}

// A cancel (Ctrl-C in the CLI) while the figure is modelled or encoded: nothing is written, and a
// file already there stays as it was. Drawing reports its progress in order until then.
TEST(FigureAtomicWrite, ACancelWhileDrawingWritesNothing) {
  const auto a = test::s2_structure(4096, 1024, 4);
  FigureOptions o;
  o.mask_only = true;
  test::TempDir dir;
  const std::string path = dir / "figure.png";
  test::write_file(path, "old");
  for (const double stop_at : {0.3, 0.8}) {  // in the model, in the encoding
    std::vector<double> seen;
    const ProgressScope scope([&](double fraction) {
      seen.push_back(fraction);
      if (fraction > stop_at) throw AnalysisCancelled();
    });
    EXPECT_THROW(figure_export(*a, o, path), AnalysisCancelled) << stop_at;
    EXPECT_EQ(test::read_file(path), "old") << stop_at;
    ASSERT_FALSE(seen.empty());
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1], seen[i]) << stop_at;
  }
  expect_only_hidden_temporaries(dir, "figure.png");
}

}  // namespace
}  // namespace attnscope
