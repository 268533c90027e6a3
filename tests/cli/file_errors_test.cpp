// Files that cannot be written: a full disk, a read-only folder or file, a folder given as the
// file. Each gives exit 2, one line naming the file and the reason, and leaves no partial file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/base/atomic_file.hpp"
#include "core/scene/scene.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

namespace fs = std::filesystem;
using test::cli;

std::vector<std::string> folder_entries(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  return names;
}

// A folder this process cannot create files in: a 0555 folder, or, for root (who ignores
// permission bits), sysfs, which refuses new files to everyone.
struct ReadOnlyFolder {
  test::TempDir temp;
  fs::path path;
  ReadOnlyFolder() {
    ::chmod(temp.path.c_str(), 0555);
    path = ::access(temp.path.c_str(), W_OK) == 0 ? fs::path("/sys") : temp.path;
  }
  ~ReadOnlyFolder() { ::chmod(temp.path.c_str(), 0755); }
};

void expect_refused(const test::CliResult& r, const std::string& path, const std::string& reason) {
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
}

TEST(CliFiles, ExportToAFullDeviceSaysTheDiskIsFull) {
  const auto r = cli({"export", "--view", "heatmap", "--out", "/dev/full", "--format", "png"});
  expect_refused(r, "/dev/full", "No space left on device");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device itself must never be replaced by a file";
}

TEST(CliFiles, ExportIntoAReadOnlyFolderWritesNothing) {
  ReadOnlyFolder folder;
  const std::string out = (folder.path / "figure.png").string();
  expect_refused(cli({"export", "--out", out}), out, "check that the folder exists and is writable");
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(folder_entries(folder.temp.path).empty());
}

TEST(CliFiles, ExportOverAReadOnlyFileKeepsIt) {
  test::TempDir dir;
  const std::string out = dir / "figure.svg";
  test::write_file(out, "kept");
  ::chmod(out.c_str(), 0444);
  expect_refused(cli({"export", "--out", out}), out, "read-only");
  EXPECT_EQ(test::read_file(out), "kept");
  EXPECT_EQ(folder_entries(dir.path).size(), 1u);
}

TEST(CliFiles, ExportToAFolderNameAsksForAFileName) {
  test::TempDir dir;
  const std::string out = dir.path.string() + "/sub.png";
  fs::create_directory(out);
  expect_refused(cli({"export", "--out", out}), out, "it is a folder");
  EXPECT_TRUE(fs::is_directory(out));
}

// A disk that fills up in the middle of a write: the file size limit makes write() fail the way
// ENOSPC does, after part of the file is on disk. The partial temporary must be removed and the
// old file kept.
TEST(CliFiles, ExportThatRunsOutOfSpaceMidwayLeavesTheOldFile) {
  test::TempDir dir;
  const std::string out = dir / "figure.png";
  test::write_file(out, "old");
  rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto r = cli({"export", "--view", "heatmap", "--out", out});
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  expect_refused(r, out, "File too large");
  EXPECT_EQ(test::read_file(out), "old");
  EXPECT_EQ(folder_entries(dir.path), std::vector<std::string>{"figure.png"}) << "a partial temporary was left";
}

TEST(CliFiles, SceneSaveRefusesTheSameTargets) {
  Scene scene;
  ReadOnlyFolder folder;
  EXPECT_THROW(scene_save(scene, "/dev/full"), std::runtime_error);
  EXPECT_THROW(scene_save(scene, (folder.path / "scene.json").string()), std::runtime_error);
  EXPECT_TRUE(folder_entries(folder.temp.path).empty());
  try {
    scene_save(scene, "/dev/full");
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
  }
}

TEST(CliFiles, WritingToADeviceWritesInPlace) {
  // /dev/null accepts everything: the write succeeds and the device stays a device.
  atomic_write_file("/dev/null", "bytes");
  struct stat st {};
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

}  // namespace
}  // namespace attnscope
