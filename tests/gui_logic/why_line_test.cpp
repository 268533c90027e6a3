// The "why it matters" line under the classroom's matrices is the lesson's argument: in classroom
// mode it is drawn in the body type (never the smallest text on screen), and in the alarm colour
// only when some query can read its own next token.
#include <gtest/gtest.h>

#include "app/gui/lesson.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

const ScreenReport::TextLine* why_line(const ScreenReport& report) {
  for (const auto& line : report.lines)
    if (line.name == "why") return &line;
  return nullptr;
}

// The classroom scene leaks; its lesson's next-token search is replaced by `first` (−1: no query
// reaches its next token within the layers searched).
AppState classroom_with_reach(int first) {
  AppState state = state_with(classroom_scene());
  apply(state, action::SetClassroom{true});
  auto lesson = std::make_shared<Lesson>(*state.lesson);
  NextTokenReach next;
  next.first = first;
  next.query = first >= 0 ? 0 : -1;
  next.max_layers = kLessonLayers;
  lesson->next = next;
  state.lesson = lesson;
  return state;
}

TEST(WhyLine, InClassroomItIsInTheBodyTypeAndRedOnlyForAnAlarm) {
  GuiHarness gui;
  for (int first : {3, -1}) {
    const AppState state = classroom_with_reach(first);
    gui.frame(state);
    const ScreenReport::TextLine* why = why_line(gui.report);
    ASSERT_NE(why, nullptr) << "first = " << first;
    EXPECT_GE(why->font_size, gui.report.body_font_size) << why->text;
    const ImU32 leak = to_imu32(theme_get(state.view.theme()).leak);
    if (first >= 0) {
      EXPECT_NE(why->text.find("its own next token"), std::string::npos) << why->text;
      EXPECT_EQ(why->color, leak) << why->text;
    } else {
      EXPECT_NE(why->text.find("no query can depend on its own next token"), std::string::npos) << why->text;
      EXPECT_NE(why->color, leak) << "not an alarm: " << why->text;
    }
  }
}

// The step's why-line under its caption is read from the back of the room: in classroom mode in
// the text colour at full contrast, in either classroom theme; at the desk a quieter grey.
TEST(WhyLine, TheStepsWhyIsInTheTextColourInClassroom) {
  GuiHarness gui;
  for (const bool classroom : {true, false}) {
    for (const bool bright : {false, true}) {
      AppState state = state_with(classroom_scene());
      apply(state, action::SetClassroom{classroom});
      state.view.classroom_theme = bright ? ThemeName::Bright : ThemeName::HighContrast;
      ui_style_apply(state.view.theme());
      gui.frame(state);
      const ScreenReport::TextLine* why = nullptr;
      for (const auto& line : gui.report.lines)
        if (line.name == "step why") why = &line;
      ASSERT_NE(why, nullptr);
      const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), quiet = ImGui::GetColorU32(ImGuiCol_TextDisabled);
      EXPECT_EQ(why->color, classroom ? text : quiet) << "classroom " << classroom << ", bright " << bright;
    }
  }
  ui_style_apply(ThemeName::Light);
}

// On a projector the hovered cell's explanation takes the why-it-matters line's place under the
// matrices, and its room: a leak's explanation is read to its last words, not cut with an ellipsis.
TEST(WhyLine, OnAProjectorAFocusedLeaksExplanationIsWhole) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::SetClassroom{true});
  apply(state, action::StepTo{6, false});
  apply(state, action::Pin{Cell{1, 0, 14}});
  ui_style_apply(state.view.theme());
  const auto projector = [](ImGuiIO& io) { io.DisplaySize = ImVec2(1024, 768); };
  gui.frame(state, projector);
  gui.frame(state, projector);  // the panels' sizes settle on the second frame
  const ScreenReport::TextLine* inspector = nullptr;
  for (const auto& line : gui.report.lines)
    if (line.name == "inspector") inspector = &line;
  ASSERT_NE(inspector, nullptr);
  EXPECT_NE(inspector->text.find("not tokens (14 > 0)"), std::string::npos) << inspector->text;
  EXPECT_EQ(inspector->text.find("\u2026"), std::string::npos) << inspector->text;
  EXPECT_TRUE(gui.report.clipped_glyphs.empty());
  EXPECT_TRUE(gui.report.overflows.empty());
  ui_style_apply(ThemeName::Light);
}

}  // namespace
}  // namespace attnscope::test
