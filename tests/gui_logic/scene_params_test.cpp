// The scene panel's fields for each variant's own parameters: one per declared parameter, and
// clicking and typing into them emits undoable scene edits.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "app/gui/scene_param_widgets.hpp"
#include "tests/gui_logic/gui_harness.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope::test {
namespace {

// A display tall enough that the scene panel shows every field without scrolling.
void tall_display() { ImGui::GetIO().DisplaySize = ImVec2(1280, 1600); }

const ScreenRect& field(const GuiHarness& gui, const std::string& name) {
  for (const auto& p : gui.report.params)
    if (p.name == name) return p.rect;
  throw std::runtime_error("no field for " + name);
}

// Clicks a field's left part, types `text` and presses Enter; returns the Enter frame's actions.
ActionQueue type_into(GuiHarness& gui, const AppState& state, const std::string& name, const std::string& text) {
  tall_display();
  gui.frame(state);
  const ScreenRect r = field(gui, name);
  const ImVec2 at{r.x0 + 6.f, (r.y0 + r.y1) / 2};
  gui.frame(state, [&](ImGuiIO& io) { io.MousePos = at; });
  gui.frame(state, [&](ImGuiIO& io) { io.MouseDown[0] = true; });
  gui.frame(state);
  gui.frame(state, [&](ImGuiIO& io) {
    for (char c : text) io.AddInputCharacter(static_cast<unsigned>(c));
  });
  return gui.frame(state, [&](ImGuiIO& io) {
    io.KeyMap[ImGuiKey_Enter] = GLFW_KEY_ENTER;
    io.KeysDown[GLFW_KEY_ENTER] = true;
  });
}

// The scene the panel asks for once `text` is typed into field `name`, if it asks for one.
std::optional<Scene> typed_scene(GuiHarness& gui, const AppState& state, const std::string& name,
                                 const std::string& text) {
  const ActionQueue enter = type_into(gui, state, name, text);
  const auto edit = enter.find<action::SetScene>();
  return edit ? std::optional<Scene>(edit->scene) : std::nullopt;
}

TEST(SceneParams, EveryVariantShowsAFieldPerDeclaredParameter) {
  GuiHarness gui;
  for (const Variant* v : variant_all()) {
    // The variant's own preset: some variants (file) need parameters without defaults.
    const AppState state = state_with(
        scene_load(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/" + v->info().preset + ".json"));
    ASSERT_TRUE(state.error.empty()) << v->info().name << ": " << state.error;
    gui.frame(state);
    std::vector<std::string> shown, declared;
    for (const auto& p : gui.report.params) shown.push_back(p.name);
    for (const ParamSpec& spec : v->info().params) declared.push_back(spec.name);
    EXPECT_EQ(shown, declared) << v->info().name;
    for (const auto& p : gui.report.params) EXPECT_GT(p.rect.x1 - p.rect.x0, 20.f) << v->info().name << " " << p.name;
  }
}

TEST(SceneParams, ClickingAFlagSetsItAndUndoClearsIt) {
  GuiHarness gui;
  tall_display();
  AppState state = state_with(test_scene({.variant = "dilated"}));
  gui.frame(state);
  const ScreenRect r = field(gui, "bidirectional");
  const ImVec2 box{r.x0 + (r.y1 - r.y0) / 2, (r.y0 + r.y1) / 2};
  gui.frame(state, [&](ImGuiIO& io) { io.MousePos = box; });
  gui.frame(state, [&](ImGuiIO& io) { io.MouseDown[0] = true; });
  const ActionQueue release = gui.frame(state);
  const auto edit = release.find<action::SetScene>();
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->scene.params.at("bidirectional"), "true");
  apply(state, *edit);
  EXPECT_TRUE(state.error.empty()) << state.error;
  EXPECT_TRUE(state.analysis->metrics.total_leaks > 0) << "the encoder window reads the future";
  apply(state, action::Undo{});
  EXPECT_EQ(state.scene.params.count("bidirectional"), 0u);
}

TEST(SceneParams, TypingIntoAnIntFieldReplacesItsValue) {
  GuiHarness gui;
  AppState state = state_with(test_scene({.variant = "window"}));
  const auto edited = typed_scene(gui, state, "window", "6");
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->params.at("window"), "6");
  apply(state, action::SetScene{*edited});
  // Row 10 reads keys 5..10: the window of 6 the field asked for.
  EXPECT_EQ(state.analysis->mask(0).row_count(10), 6);
}

TEST(SceneParams, ADerivedDefaultIsSetByTypingAndAListByText) {
  GuiHarness gui;
  const auto block = typed_scene(gui, state_with(test_scene({.variant = "block"})), "block", "8");
  ASSERT_TRUE(block);
  EXPECT_EQ(block->params.at("block"), "8");

  AppState dilated = state_with(test_scene({.variant = "dilated"}));
  const auto global = typed_scene(gui, dilated, "global", "0,5");
  ASSERT_TRUE(global);
  EXPECT_EQ(global->params.at("global"), "0,5");
  apply(dilated, action::SetScene{*global});
  EXPECT_TRUE(dilated.error.empty()) << dilated.error;
  EXPECT_TRUE(dilated.analysis->allowed(0, 12, 5)) << "token 5 is global";
}

TEST(SceneParams, SwitchingVariantDropsParametersTheNewOneLacks) {
  const Scene scene = test_scene({.variant = "window", .params = {{"window", "3"}}});
  const Scene streaming = scene_switched_to(scene, "streaming");
  EXPECT_EQ(streaming.params.at("window"), "3") << "streaming declares its own window";
  const Scene s2 = scene_switched_to(scene, "s2");
  EXPECT_TRUE(s2.params.empty());
  EXPECT_NO_THROW(scene_validate(s2));
}

TEST(SceneParams, CompareStartsWithTheVariantsRelatives) {
  AppState state = state_with(test_scene({.variant = "window"}));
  apply(state, action::SetCompare{true, {}});
  std::vector<std::string> expected = {"window"};
  const auto& relatives = variant_find("window")->info().relatives;
  expected.insert(expected.end(), relatives.begin(), relatives.end());
  expected.resize(std::min<size_t>(expected.size(), 4));
  EXPECT_EQ(state.view.compare_variants, expected);
  EXPECT_EQ(state.view.compare_variants[1], "streaming");
}

}  // namespace
}  // namespace attnscope::test
