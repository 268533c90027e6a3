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

}  // namespace
}  // namespace attnscope::test
