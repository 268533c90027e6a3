// export's contract: every view and format writes, usage problems exit 2 with a message that
// says what to change.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/figure/figure.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/compare.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

TEST(ExportCommand, EveryViewInEveryFormat) {
  test::TempDir dir;
  for (const std::string view : {"heatmap", "steps", "compare", "tokens"})
    for (const std::string ext : {"png", "svg", "pdf", "gif"}) {
      const std::string out = dir / (view + "." + ext);
      const auto r = test::cli({"export", "--view", view, "--compare", "full", "--dpi", "60", "--out", out});
      EXPECT_EQ(r.code, 0) << view << "." << ext << ": " << r.err;
      EXPECT_GT(std::filesystem::file_size(out), 500u) << out;
    }
}

TEST(ExportCommand, FormatComesFromTheExtensionOrTheFlag) {
  test::TempDir dir;
  ASSERT_EQ(test::cli({"export", "--format", "pdf", "--out", dir / "figure"}).code, 0);
  EXPECT_EQ(test::read_file(dir / "figure").rfind("%PDF", 0), 0u);
  ASSERT_EQ(test::cli({"export", "--out", dir / "FIG.SVG"}).code, 0);
  EXPECT_NE(test::read_file(dir / "FIG.SVG").find("<svg"), std::string::npos);
}

struct BadCase {
  std::vector<std::string> args;
  std::string message;
};

TEST(ExportCommand, UsageErrorsExit2WithAMessage) {
  test::TempDir dir;
  const std::vector<BadCase> cases = {
      {{"export", "--out", dir / "figure.bmp"}, "not a figure format"},
      {{"export", "--out", dir / "figure"}, "cannot tell the format"},
      {{"export", "--format", "tiff", "--out", dir / "f.png"}, "unknown format"},
      {{"export", "--view", "pie", "--out", dir / "f.png"}, "unknown view"},
      {{"export", "--size", "a4", "--out", dir / "f.png"}, "unknown size"},
      {{"export", "--theme", "neon", "--out", dir / "f.png"}, "unknown theme"},
      {{"export", "--colormap", "jet", "--out", dir / "f.png"}, "unknown colormap"},
      {{"export", "--head", "5", "--out", dir / "f.png"}, "not a head"},
      {{"export", "--view", "tokens", "--step", "99", "--out", dir / "f.png"}, "not a step"},
      {{"export", "--view", "tokens", "--step", "nope", "--out", dir / "f.png"}, "no step 'nope'"},
      {{"export", "--view", "compare", "--compare", "s2", "--out", dir / "f.png"}, "never compared with itself"},
      {{"export", "--out", "/nonexistent-folder/f.png"}, "cannot write"},
      {{"export", "--from", dir / "missing.png", "--out", dir / "f.png"}, "cannot open"},
      {{"export", "--rows", "8:4", "--out", dir / "f.png"}, "holds no tokens"},
      {{"export", "--keys", "0:17", "--out", dir / "f.png"}, "reaches past the last token"},
      {{"export", "--view", "steps", "--rows", "0:4", "--out", dir / "f.png"}, "use them with --view heatmap"},
      {{"export", "--n", "131072", "--g", "32768", "--rows", "0:131072", "--keys", "0:131072", "--out", dir / "f.png"},
       "raise --max-memory"},
  };
  for (const BadCase& c : cases) {
    const auto r = test::cli(c.args);
    EXPECT_EQ(r.code, 2) << c.args[1] << " " << c.args[2] << ": " << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << "expected '" << c.message << "' in: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "f.png"));
  }
}

// Without --compare the figure compares what the GUI's compare view opens with: the variant and
// its relatives (core/presentation/compare).
TEST(ExportCommand, CompareWithoutAListTakesTheVariantsRelatives) {
  test::TempDir dir;
  const auto r = test::cli({"export", "--view", "compare", "--out", dir / "c.png"});
  ASSERT_EQ(r.code, 0) << r.err;
  const Scene scene;  // the classroom scene export draws without --scene
  const std::vector<std::string> variants = compare_variants(scene);
  EXPECT_EQ(variants, (std::vector<std::string>{"s2", "s2-fix-mask", "s2-fix-split", "short"}));
  const std::string text = test::all_text(figure::view_compare(*analyze(scene), FigureOptions{}, {}));
  for (const std::string& variant : variants)
    EXPECT_NE(text.find(variant + " \u00b7 head"), std::string::npos) << variant << " in: " << text;
}

TEST(ExportCommand, OtherVariantsDoNotBorrowTheClassroomTitle) {
  test::TempDir dir;
  ASSERT_EQ(test::cli({"export", "--variant", "window", "--out", dir / "w.png"}).code, 0);
  EXPECT_EQ(figure_read_source(dir / "w.png").scene.title, "");
  ASSERT_EQ(test::cli({"export", "--out", dir / "s2.png"}).code, 0);
  EXPECT_NE(figure_read_source(dir / "s2.png").scene.title, "");
}

TEST(ExportCommand, StepByNameOrIndex) {
  test::TempDir dir;
  ASSERT_EQ(test::cli({"export", "--view", "tokens", "--step", "roll", "--out", dir / "a.png"}).code, 0);
  ASSERT_EQ(test::cli({"export", "--view", "tokens", "--step", "2", "--out", dir / "b.png"}).code, 0);
  EXPECT_EQ(figure_read_source(dir / "a.png").options.step, 2);
}

}  // namespace
}  // namespace attnscope
