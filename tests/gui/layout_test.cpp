// Projector and desktop sizes in both modes, every step of the classroom scene: no text is cut
// (every glyph drawn lies whole inside the box it was allowed to draw in, no panel's content runs
// past its edge, as the screenshot's layout report records), the heatmaps use the room they
// have, and nothing moves while stepping.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

struct Size {
  int w, h;
};

std::string size_text(Size s) { return std::to_string(s.w) + "x" + std::to_string(s.h); }

// Nothing cut: no glyph outside its box or cut to it, no panel whose content runs past its edge,
// no line break inside a number; in classroom mode no half line at a scrolling panel's edge
// either (a lecture screen is not scrolled).
void expect_no_clipped_text(const Screenshot& s, const std::string& what, bool classroom) {
  EXPECT_GT(s.layout["glyphs"].get<int>(), 200) << what << ": the glyph scan saw no text";
  std::vector<const char*> lists{"clipped_glyphs", "overflows", "broken_numbers"};
  if (classroom) lists.push_back("scrolled_glyphs");
  for (const char* list : lists) {
    const auto& found = s.layout[list];
    EXPECT_EQ(found.size(), 0u) << what << ": " << found.size() << " " << list << ", first "
                                << (found.empty() ? std::string() : found[0].dump());
  }
}

class LayoutGLTest : public ::testing::TestWithParam<Size> {};

TEST_P(LayoutGLTest, NoClippedTextInEitherModeAtAnyStep) {
  const Size size = GetParam();
  for (const std::string mode : {"", "--classroom"}) {
    for (int step = 0; step < 12; ++step) {
      const std::string what = size_text(size) + " " + (mode.empty() ? "normal" : "classroom") + " step " + std::to_string(step);
      SCOPED_TRACE(what);
      const Screenshot s = screenshot_take("--frames 2 --size " + size_text(size) + " " + mode + " --step " + std::to_string(step),
                                           "layout_" + size_text(size) + mode + std::to_string(step));
      ASSERT_EQ(s.exit_code, 0);
      EXPECT_EQ(s.width, size.w);
      EXPECT_EQ(s.height, size.h);
      expect_no_clipped_text(s, what, !mode.empty());
      ASSERT_EQ(s.layout["heatmaps"].size(), 2u);
      // The matrices take the panel's room: they span most of its width or most of its height.
      const auto& panel = s.layout["panels"]["heatmaps"];
      const auto& h0 = s.heatmap(0)["rect"];
      const auto& h1 = s.heatmap(1)["rect"];
      const double span_x = std::max(h0[2].get<double>(), h1[2].get<double>()) - std::min(h0[0].get<double>(), h1[0].get<double>());
      const double bottom = std::max(h0[3].get<double>(), h1[3].get<double>());
      const double share_x = span_x / (panel[2].get<double>() - panel[0].get<double>());
      const double share_y = (bottom - panel[1].get<double>()) / (panel[3].get<double>() - panel[1].get<double>());
      EXPECT_TRUE(share_x > 0.6 || share_y > 0.6) << what << ": matrices span " << share_x << " of the panel's width, "
                                                  << share_y << " of its height";
    }
  }
}

TEST_P(LayoutGLTest, HeatmapsStayInPlaceWhileStepping) {
  const Size size = GetParam();
  std::string first;
  for (int step = 0; step < 12; step += 1) {
    const Screenshot s = screenshot_take("--frames 2 --classroom --size " + size_text(size) + " --step " + std::to_string(step),
                                         "steady_" + size_text(size) + "_" + std::to_string(step));
    ASSERT_EQ(s.exit_code, 0);
    // Where each matrix sits, not what its header says (the leak count appears at the mask step).
    nlohmann::json placed = s.layout["heatmaps"];
    for (auto& heatmap : placed) heatmap.erase("header");
    const std::string rects = placed.dump();
    if (first.empty()) first = rects;
    EXPECT_EQ(rects, first) << "step " << step << " moved the heatmaps";
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, LayoutGLTest, ::testing::Values(Size{1024, 768}, Size{1280, 800}, Size{1920, 1080}),
                         [](const auto& info) { return size_text(info.param); });

TEST(LayoutGLTest, CompareViewHasNoClippedTextInClassroomMode) {
  for (const std::string size : {"1024x768", "1920x1080"}) {
    SCOPED_TRACE(size);
    const Screenshot s = screenshot_take("--frames 3 --classroom --compare-view --compare s2-fix-mask --size " + size, "compare_" + size);
    ASSERT_EQ(s.exit_code, 0);
    expect_no_clipped_text(s, "compare " + size, true);
  }
}

// The cost panel in front of a class, at every size: its table a page at a time, no row cut at a
// scrolling edge, no formula run past the panel.
TEST(LayoutGLTest, CostPanelHasNoClippedTextInClassroomMode) {
  for (const std::string size : {"1024x768", "1280x800", "1920x1080"}) {
    SCOPED_TRACE(size);
    const Screenshot s = screenshot_take("--frames 3 --classroom --cost --size " + size, "cost_" + size);
    ASSERT_EQ(s.exit_code, 0);
    expect_no_clipped_text(s, "cost " + size, true);
  }
}

}  // namespace
}  // namespace attnscope::test
