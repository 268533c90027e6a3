// Frames of the real views against an AppState: the actions they emit for keys and the mouse,
// and what they ask the painter to draw.
#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <imgui_internal.h>

#include <algorithm>
#include <map>

#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

TEST(ViewsTest, KeysBecomeActions) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  gui.frame(state);
  auto press = [&](int key, bool ctrl = false) { return gui.frame(state, {}, {KeyPress{key, ctrl, false, false}}); };
  EXPECT_TRUE(press(GLFW_KEY_RIGHT).find<action::StepNext>());
  EXPECT_TRUE(press(GLFW_KEY_LEFT).find<action::StepPrev>());
  EXPECT_TRUE(press(GLFW_KEY_PAGE_DOWN).find<action::StepNext>()) << "a presenter clicker's forward key";
  EXPECT_TRUE(press(GLFW_KEY_PAGE_UP).find<action::StepPrev>());
  EXPECT_TRUE(press(GLFW_KEY_SPACE).find<action::TogglePlay>());
  EXPECT_TRUE(press(GLFW_KEY_END).find<action::StepLast>());
  EXPECT_TRUE(press(GLFW_KEY_L).find<action::ToggleLeakMarks>());
  EXPECT_TRUE(press(GLFW_KEY_C).find<action::ToggleCompare>());
  const ActionQueue three = press(GLFW_KEY_3);
  const auto preset = three.find<action::LoadPreset>();
  ASSERT_TRUE(preset);
  EXPECT_EQ(preset->index, 2);
  EXPECT_TRUE(press(GLFW_KEY_Z, true).find<action::Undo>());
  EXPECT_TRUE(press(GLFW_KEY_E, true).find<action::Export>());
  EXPECT_FALSE(press(GLFW_KEY_L, true).find<action::ToggleLeakMarks>()) << "Ctrl+L is not L";
}

TEST(ViewsTest, EveryQueuedPressIsOneStepAndOnlyArrowsRepeat) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  gui.frame(state);
  // Ten taps that all fell between two frames (a clicker's press and release within one frame).
  const std::vector<KeyPress> taps(10, KeyPress{GLFW_KEY_RIGHT, false, false, false});
  const ActionQueue queue = gui.frame(state, {}, taps);
  EXPECT_EQ(std::count_if(queue.actions.begin(), queue.actions.end(),
                          [](const Action& a) { return std::holds_alternative<action::StepNext>(a); }),
            10);
  const ActionQueue held = gui.frame(state, {}, {KeyPress{GLFW_KEY_C, false, false, true}});
  EXPECT_FALSE(held.find<action::ToggleCompare>()) << "holding C must not flicker the compare view";
}

TEST(ViewsTest, OneSquareHeatmapPerHeadWithQueryZeroAtTheTop) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  gui.frame(state);
  ASSERT_EQ(gui.painter.heatmaps.size(), 2u);
  for (const auto& call : gui.painter.heatmaps) {
    EXPECT_FLOAT_EQ(call.p1.x - call.p0.x, call.p1.y - call.p0.y);
    EXPECT_FLOAT_EQ(call.uv0.y, 0.f) << "v = 0 (texture row 0, query 0) at the top edge";
    EXPECT_FLOAT_EQ(call.uv1.y, 1.f);
  }
  EXPECT_EQ(gui.report.heatmaps.size(), 2u);
}

TEST(ViewsTest, HoveringAndClickingAHeatmapCellEmitsHoverAndPin) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  gui.frame(state);
  const auto& rect = gui.report.heatmaps.at(1).rect;
  const float cell = (rect.x1 - rect.x0) / 16.f;
  const ImVec2 centre{rect.x0 + 14.5f * cell, rect.y0 + 0.5f * cell};  // head 1, query 0, key 14
  gui.frame(state, [&](ImGuiIO& io) { io.MousePos = centre; });
  const auto queue = gui.frame(state, [&](ImGuiIO& io) { io.MousePos = centre; });
  const auto hover = queue.find<action::SetHover>();
  ASSERT_TRUE(hover);
  ASSERT_TRUE(hover->cell);
  EXPECT_EQ(*hover->cell, (Cell{1, 0, 14}));
  const auto click = gui.frame(state, [&](ImGuiIO& io) {
    io.MousePos = centre;
    io.MouseDown[0] = true;
  });
  const auto pin = click.find<action::Pin>();
  ASSERT_TRUE(pin);
  EXPECT_EQ(*pin->cell, (Cell{1, 0, 14}));
}

TEST(ViewsTest, TheTokenGridReportsTheRolledProvenance) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::StepTo{state.analysis->trace().find("roll"), false});
  gui.frame(state);
  int found = 0;
  for (const auto& cell : gui.report.token_cells)
    if (cell.head == 1 && cell.row == 14) {
      EXPECT_EQ(cell.token, 0);
      ++found;
    }
  EXPECT_EQ(found, 1);
}

TEST(ViewsTest, AtTheMaskStepEveryTokenIsDrawnOnceAtItsRow) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  const int mask = state.analysis->trace().find("mask");
  apply(state, action::StepTo{mask, false});
  gui.frame(state);
  const Step& step = state.analysis->trace().steps[mask];
  std::map<std::pair<int, int>, int> drawn;  // (head, token) -> copies
  std::map<std::pair<int, int>, float> top;  // (head, row) -> y
  for (const auto& cell : gui.report.token_cells) {
    ++drawn[{cell.head, cell.token}];
    EXPECT_EQ(cell.token, step.token(cell.row, cell.head));
    top[{cell.head, cell.row}] = cell.rect.y0;
  }
  ASSERT_EQ(drawn.size(), 32u);
  for (const auto& [key, copies] : drawn) EXPECT_EQ(copies, 1) << "head " << key.first << " token " << key.second;
  for (int h = 0; h < 2; ++h)
    for (int r = 1; r < 16; ++r) EXPECT_GT((top[{h, r}]), (top[{h, r - 1}])) << "head " << h << " row " << r;
}

TEST(ViewsTest, TheMaskStepLightsTheLeakingQueryAndTheKeysItReads) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::StepTo{state.analysis->trace().find("mask"), false});
  auto lights = [&] {
    gui.frame(state);
    std::map<std::pair<int, int>, std::string> out;
    for (const auto& cell : gui.report.token_cells) out[{cell.head, cell.token}] = cell.light;
    return out;
  };
  // Nothing hovered: query 0 of the shifted head reads 14 and 15 (leaks); 1 is masked for it.
  auto light = lights();
  EXPECT_EQ((light[{1, 0}]), "query");
  EXPECT_EQ((light[{1, 14}]), "leak");
  EXPECT_EQ((light[{1, 15}]), "leak");
  EXPECT_EQ((light[{1, 1}]), "dim");
  EXPECT_EQ((light[{0, 0}]), "dim");
  // A pinned query of the unshifted head: its causal keys in its group, no leak.
  state.pinned = Cell{0, 6, 6};
  light = lights();
  EXPECT_EQ((light[{0, 6}]), "query");
  EXPECT_EQ((light[{0, 4}]), "allowed");
  EXPECT_EQ((light[{0, 5}]), "allowed");
  EXPECT_EQ((light[{0, 7}]), "dim");
  EXPECT_EQ((light[{1, 14}]), "dim");
  // Steps without scores or weights light nothing.
  apply(state, action::StepTo{state.analysis->trace().find("roll"), false});
  for (const auto& [key, l] : lights()) EXPECT_EQ(l, "plain");
}

// The widest the content of the child window whose name contains `id` reached this frame.
float child_content_width(const char* id, float* window_width) {
  for (ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if (std::string(w->Name).find(id) != std::string::npos && (w->Flags & ImGuiWindowFlags_ChildWindow)) {
      *window_width = w->Size.x;
      return w->ContentSize.x;
    }
  return -1.f;
}

TEST(ViewsTest, ClassroomTimelineFitsA1280PixelWindow) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::SetClassroom{true});
  ui_style_apply(ThemeName::HighContrast);
  gui.frame(state);
  gui.frame(state);  // content sizes are measured on the frame before
  float width = 0.f;
  const float content = child_content_width("timeline", &width);
  ASSERT_GT(content, 0.f);
  EXPECT_LE(content + 2.f * ImGui::GetStyle().WindowPadding.x, width + 1.f);
}

TEST(ViewsTest, CompareShowsEveryVariantAndTheDifferences) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::SetCompare{true, {"s2", "s2-fix-mask", "s2-fix-split"}});
  gui.frame(state);
  EXPECT_EQ(gui.painter.heatmaps.size(), 3u);
  EXPECT_EQ(gui.painter.diffs, 1) << "one image of A only, B only and both";
}

}  // namespace
}  // namespace attnscope::test
