// --tokens on export and gui: the figure carries the text, and a file that is unreadable or holds
// another count of tokens than the scene's N exits 2 with one line and writes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/figure/figure.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace attnscope {
namespace {

using test::cli;

std::string sixteen_tokens(const test::TempDir& dir) {
  const std::string path = dir / "tokens.json";
  std::ofstream(path) << R"(["The"," quick"," brown"," fox"," jumps"," over"," the"," lazy"," dog",","," and"," the"," cat"," sat"," down","."])";
  return path;
}

TEST(TokenTextCli, ExportDrawsTheTextAndEmbedsIt) {
  const test::TempDir dir;
  const auto r = cli({"export", "--tokens", sixteen_tokens(dir), "--out", dir / "f.png"});
  ASSERT_EQ(r.code, 0) << r.err;
  const FigureSource source = figure_read_source(dir / "f.png");
  ASSERT_EQ(source.options.token_text.tokens.size(), 16u);
  EXPECT_EQ(source.options.token_text.tokens[1], " quick");
}

TEST(TokenTextCli, ACountOtherThanNExitsTwoWritingNothing) {
  const test::TempDir dir;
  const auto r = cli({"export", "--n", "32", "--g", "8", "--tokens", sixteen_tokens(dir), "--out", dir / "f.png"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("holds 16 tokens but the scene has N = 32"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "f.png"));
  // The real binary: the GUI refuses before it opens a window.
  const auto gui = test::process_run(std::string(ATTNSCOPE_BINARY) + " gui --n 32 --g 8 --tokens " + sixteen_tokens(dir) +
                                     " --screenshot " + (dir / "s.png") + " 2>&1");
  EXPECT_EQ(gui.code, 2);
  EXPECT_NE(gui.out.find("holds 16 tokens"), std::string::npos) << gui.out;
  EXPECT_FALSE(std::filesystem::exists(dir / "s.png"));
}

TEST(TokenTextCli, AnUnreadableFileExitsTwo) {
  const test::TempDir dir;
  const std::string bad = dir / "bad.json";
  std::ofstream(bad) << R"({"tokens": ["a"]})";
  const auto r = cli({"export", "--tokens", bad, "--out", dir / "f.png"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a tokens file holds a JSON list of strings"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "f.png"));
}

}  // namespace
}  // namespace attnscope
