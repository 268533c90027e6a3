// The classroom on a projector (1024×768): every step of the classroom scene shows every token
// number, both heads' headers whole, matrices of at least 320 px whose leak cells (at least 20 px)
// carry their cross in the leak colour, the step strip on one row, and no text cut. The glyph
// check behind "no text cut" is shown to fail where text is cut.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "core/analysis/analysis.hpp"
#include "core/presentation/step_scores.hpp"
#include "core/scene/scene.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

constexpr int kSteps = 12;  // the classroom scene: S2-Attn, N = 16, G = 4, two heads

Screenshot projector_step(int step, const std::string& extra = "") {
  return screenshot_take("--frames 2 --classroom --size 1024x768 --step " + std::to_string(step) + " " + extra,
                         "projector_" + std::to_string(step));
}

void expect_nothing_cut(const Screenshot& s) {
  EXPECT_GT(s.layout["glyphs"].get<int>(), 100) << "the glyph scan saw no text";
  for (const char* list : {"clipped_glyphs", "scrolled_glyphs", "overflows", "broken_numbers"})
    EXPECT_TRUE(s.layout[list].empty()) << list << ": " << s.layout[list].dump().substr(0, 300);
}

// The leaking cells of the shifted head, from the paper's rule: head 1 is rolled by G/2, so its
// last group holds tokens 14, 15, 0, 1 in that order; the causal mask lets the query in slot i
// read the keys in slots 0..i, and a key with a larger token id than its query is a leak.
std::set<std::pair<int, int>> shifted_head_leaks() {
  const int group[] = {14, 15, 0, 1};
  std::set<std::pair<int, int>> leaks;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j <= i; ++j)
      if (group[j] > group[i]) leaks.insert({group[i], group[j]});
  return leaks;
}

TEST(ProjectorGLTest, EveryClassroomStepIsReadableAt1024x768) {
  for (int step = 0; step < kSteps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const Screenshot s = projector_step(step);
    ASSERT_EQ(s.exit_code, 0);
    ASSERT_EQ(s.width, 1024);
    ASSERT_EQ(s.height, 768);
    ASSERT_EQ(s.layout["step"], step);
    // Every token cell, both heads, with its number.
    const auto& cells = s.layout["token_cells"];
    EXPECT_EQ(cells.size(), 32u);
    for (const auto& cell : cells) EXPECT_TRUE(cell["label"].get<bool>()) << "token " << cell["token"] << " lost its number";
    // Both matrices at 320 px or more, so a cell of the 16 × 16 matrix is at least 20 px.
    ASSERT_EQ(s.layout["heatmaps"].size(), 2u);
    for (int head = 0; head < 2; ++head) {
      const auto& r = s.heatmap(head)["rect"];
      EXPECT_GE(r[2].get<double>() - r[0].get<double>(), 320.0) << "head " << head;
      EXPECT_GE((r[2].get<double>() - r[0].get<double>()) / 16.0, 20.0);
    }
    // Leak counts appear from the mask on (steps 0–5 have no mask yet), so step 6 must carry them.
    const bool counted = step_shows_leaks(step_cells(*analyze(scene_from_json(s.layout["scene"])), step));
    if (step == 0 || step == 5) EXPECT_FALSE(counted);
    if (step == 6) EXPECT_TRUE(counted);
    EXPECT_EQ(s.heatmap(0)["header"], counted ? "head 0  0 leaks" : "head 0");
    EXPECT_EQ(s.heatmap(1)["header"], counted ? "head 1 (shifted)  4 leaks" : "head 1 (shifted)");
    // The step strip is one row inside the timeline panel.
    const auto& buttons = s.layout["step_buttons"];
    ASSERT_EQ(buttons.size(), static_cast<size_t>(kSteps));
    const auto& timeline = s.layout["panels"]["timeline"];
    for (const auto& b : buttons) {
      EXPECT_EQ(b[1], buttons[0][1]) << "the step buttons wrap onto a second row";
      EXPECT_LE(b[2].get<double>(), timeline[2].get<double>());
    }
    expect_nothing_cut(s);
  }
}

TEST(ProjectorGLTest, LeakCellsShowTheirCrossAtTheMaskStep) {
  const Screenshot s = projector_step(6);
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_EQ(s.layout["step_name"], "mask");
  const Rgb8 leak = s.theme().leak;
  const auto leaks = shifted_head_leaks();
  ASSERT_EQ(leaks.size(), 4u);
  for (int q = 0; q < 16; ++q)
    for (int k = 0; k < 16; ++k) {
      const auto [x, y] = s.cell_centre(1, q, k);
      EXPECT_EQ(colour_near(s, x, y, leak, 2), leaks.count({q, k}) == 1) << "head 1 q" << q << " k" << k;
    }
}

// The check can fail: a field holding more text than it shows, and panels squeezed below the
// height their content needs, are reported.
TEST(ProjectorGLTest, TheGlyphCheckReportsCutText) {
  const Screenshot field = screenshot_take("--frames 2 --size 1024x768 --policy documents:1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
                                           "cut_field");
  ASSERT_EQ(field.exit_code, 0);
  EXPECT_FALSE(field.layout["clipped_glyphs"].empty()) << "the policy field's text is wider than the field";
  const Screenshot squeezed = screenshot_take("--frames 2 --size 1024x420 --step 6", "cut_panels");
  ASSERT_EQ(squeezed.exit_code, 0);
  EXPECT_FALSE(squeezed.layout["overflows"].empty() && squeezed.layout["clipped_glyphs"].empty());
}

// Opened without --size on a 1024×768 screen, the window fits it (the default is 1280×800).
TEST(ProjectorGLTest, TheDefaultWindowFitsTheScreen) {
  if (process_run("command -v xvfb-run").code != 0) GTEST_SKIP() << "xvfb-run is not installed";
  const std::string path = std::string(::testing::TempDir()) + "attnscope_small_screen.png";
  std::remove(path.c_str());
  const auto run = process_run("xvfb-run -a -s '-screen 0 1024x768x24' " + std::string(ATTNSCOPE_BINARY) +
                               " gui --frames 2 --screenshot " + path);
  ASSERT_EQ(run.code, 0);
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> pixels(stbi_load(path.c_str(), &w, &h, &channels, 3), stbi_image_free);
  ASSERT_TRUE(pixels);
  EXPECT_LE(w, 1024);
  EXPECT_LE(h, 768);
}

}  // namespace
}  // namespace attnscope::test
