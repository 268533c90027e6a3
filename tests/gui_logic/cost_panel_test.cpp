// The cost panel and the lesson behind it: O toggles it, apply() computes every variant's cost for
// the scene, the panel takes the heatmaps' place, and the next-token line is the core's number.
#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

TEST(CostPanel, KeyOTogglesItAndApplyComputesEveryVariant) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  gui.frame(state);
  gui.frame(state);
  const ActionQueue q = gui.frame(state, {}, {KeyPress{GLFW_KEY_O, false, false, false}});
  ASSERT_TRUE(q.find<action::ToggleCost>());
  ASSERT_TRUE(state.lesson);
  EXPECT_FALSE(state.lesson->cost) << "the cost table waits until the panel opens";
  apply(state, action::ToggleCost{});
  ASSERT_TRUE(state.view.cost);
  ASSERT_TRUE(state.lesson->cost);
  EXPECT_EQ(state.lesson->cost->rows.size(), variant_all().size() - 1);  // all but `file`
  EXPECT_EQ(state.lesson->cost->rows.front().variant, "s2");
  EXPECT_EQ(state.lesson->cost->rows.front().cells, (std::vector<int64_t>{40, 40}));
  gui.painter.heatmaps.clear();
  gui.frame(state);
  EXPECT_TRUE(gui.painter.heatmaps.empty()) << "the cost panel takes the heatmaps' place";
}

TEST(CostPanel, TheNextTokenLineIsTheCoresCount) {
  AppState state = state_with(classroom_scene());
  ASSERT_TRUE(state.lesson && state.lesson->next);
  EXPECT_EQ(state.lesson->next->first, reach_next_token(state.analysis->build.masks, kLessonLayers).first);
  EXPECT_NE(lesson_next_token_text(*state.lesson).find("query 1 can depend on token 2"), std::string::npos);
  Scene fixed = classroom_scene();
  fixed.variant = "s2-fix-mask";
  const AppState clean = state_with(fixed);
  EXPECT_NE(lesson_next_token_text(*clean.lesson).find("no query"), std::string::npos);
}

}  // namespace
}  // namespace attnscope::test
