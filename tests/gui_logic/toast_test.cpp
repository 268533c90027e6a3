// Notes in the corner: a message leaves by itself, an error stays until the user dismisses it
// (its button or Esc), so a long error is read to the end.
#include <gtest/gtest.h>

#include <GLFW/glfw3.h>
#include <imgui_internal.h>

#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

// A toast whose time has come: moved back so tick() sees it expired.
void age(AppState& state, std::chrono::seconds by) { state.toast->until -= by; }

TEST(Toast, AMessageLeavesAfterAFewSecondsAnErrorStays) {
  AppState state = state_with(classroom_scene());
  apply(state, action::ShowToast{"Exported /tmp/a.png", false});
  age(state, std::chrono::seconds(6));
  tick(state, 0.f);
  EXPECT_FALSE(state.toast) << "a message goes by itself";
  apply(state, action::ShowToast{"cannot open model.pt: not a module either", true});
  ASSERT_TRUE(state.toast);
  EXPECT_GT(state.toast->seconds_left(), 3600.0 * 24 * 365) << "an error has no time limit";
  tick(state, 60.f);
  EXPECT_TRUE(state.toast);
}

TEST(Toast, EscDismissesAnErrorBeforeUnpinning) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::Pin{Cell{1, 0, 14}});
  apply(state, action::ShowToast{"cannot open model.pt: not a module either", true});
  const ActionQueue first = gui.frame(state, {}, {KeyPress{GLFW_KEY_ESCAPE}});
  ASSERT_EQ(first.actions.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<action::DismissToast>(first.actions[0]));
  apply(state, first.actions[0]);
  EXPECT_FALSE(state.toast);
  EXPECT_TRUE(state.pinned) << "the same Esc does not also unpin";
  const ActionQueue second = gui.frame(state, {}, {KeyPress{GLFW_KEY_ESCAPE}});
  ASSERT_EQ(second.actions.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<action::Pin>(second.actions[0]));
}

// The error note has a button that dismisses it: a click on it is the action.
TEST(Toast, TheErrorNotesButtonDismissesIt) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::ShowToast{"cannot open model.pt: not a module either", true});
  gui.frame(state);
  gui.frame(state);  // the note's size settles on its second frame
  const ImGuiWindow* note = ImGui::FindWindowByName("##toast");
  ASSERT_TRUE(note);
  const ImVec2 button{note->Pos.x + note->Size.x / 2.f, note->Pos.y + note->Size.y - ImGui::GetStyle().WindowPadding.y - 4.f};
  ActionQueue clicked;
  for (bool down : {true, false}) {
    ActionQueue q = gui.frame(state, [&](ImGuiIO& io) {
      io.MousePos = {note->Pos.x + ImGui::GetStyle().WindowPadding.x + 8.f, button.y};
      io.MouseDown[0] = down;
    });
    for (auto& a : q.actions) clicked.actions.push_back(a);
  }
  bool dismissed = false;
  for (const Action& a : clicked.actions) dismissed |= std::holds_alternative<action::DismissToast>(a);
  EXPECT_TRUE(dismissed);
}

// An export's note names the whole path, however long, on a projector too: a path has no spaces
// to break at, so it breaks after its slashes and dashes instead of running out of the note.
TEST(Toast, ALongPathIsShownWholeOnAProjector) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::SetClassroom{true});
  ui_style_apply(state.view.theme());
  apply(state, action::ShowToast{"Exported /tmp/lecture/attnscope-heatmap-s2-fix-split-n16-step8-weighted-sum.png", false});
  const auto projector = [](ImGuiIO& io) { io.DisplaySize = ImVec2(1024, 768); };
  gui.frame(state, projector);
  gui.frame(state, projector);  // the note's size settles on its second frame
  const ImGuiWindow* note = ImGui::FindWindowByName("##toast");
  ASSERT_TRUE(note);
  const float inner = note->Size.x - 2.f * ImGui::GetStyle().WindowPadding.x;
  EXPECT_LE(note->ContentSize.x, inner + 0.5f) << "the path runs out of the note";
  EXPECT_LE(note->Pos.x + note->Size.x, 1024.f);
  EXPECT_GE(note->Pos.x, 0.f);
  ui_style_apply(ThemeName::Light);
}

}  // namespace
}  // namespace attnscope::test
