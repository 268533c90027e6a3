// A model stack in the GUI: the layer strip's keys and clicks move the shown layer (and every
// view with it, as --layer does), the shown layer's mask is its configuration's rule, and the
// receptive-field view shows the sets after the shown layer. Expectations come from Gemma-3's
// rule written here in plain loops: layer i is local (a window of 4 at classroom size, q - k < 4)
// unless (i + 1) % 6 == 0, and the receptive field after layer l is the boolean product of the
// layers' unions plus the identity (the residual path).
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/scene/stack.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

constexpr int kN = 64, kLayers = 62, kWindow = 4;

Scene gemma3_classroom() {
  return scene_load(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/models/gemma3_27b_classroom.json");
}

bool gemma3_local(int layer) { return (layer + 1) % 6 != 0; }

// Layer `layer` lets query q read key k.
bool gemma3_reads(int layer, int q, int k) { return k <= q && (!gemma3_local(layer) || q - k < kWindow); }

// Row q: the tokens that can reach q after layers 0..layer.
std::vector<std::set<int>> gemma3_reach(int layer) {
  std::vector<std::set<int>> sets(kN);
  for (int q = 0; q < kN; ++q) sets[q] = {q};
  for (int l = 0; l <= layer; ++l) {
    std::vector<std::set<int>> next = sets;  // the residual path
    for (int q = 0; q < kN; ++q)
      for (int k = 0; k < kN; ++k)
        if (gemma3_reads(l, q, k)) next[q].insert(sets[k].begin(), sets[k].end());
    sets = std::move(next);
  }
  return sets;
}

void expect_mask_is_rule(const Analysis& a, int layer) {
  for (int h = 0; h < a.heads(); ++h)
    for (int q = 0; q < kN; ++q)
      for (int k = 0; k < kN; ++k)
        ASSERT_EQ(a.mask(h).contains(q, k), gemma3_reads(layer, q, k)) << "layer " << layer << " head " << h << " q "
                                                                          << q << " k " << k;
}

int shown_layer(const AppState& state) { return state.scene.layer.value_or(0); }

TEST(StackStripTest, KeysMoveThroughTheLayersAndStopAtTheEnds) {
  GuiHarness gui;
  AppState state = state_with(gemma3_classroom());
  ASSERT_TRUE(state.stack);
  EXPECT_EQ(state.stack->layers(), kLayers);
  auto press = [&](int key) {
    ActionQueue queue = gui.frame(state, {}, {{key}});
    apply_all(state, queue);
  };
  press(GLFW_KEY_LEFT_BRACKET);
  EXPECT_EQ(shown_layer(state), 0) << "[ at the first layer stays";
  press(GLFW_KEY_RIGHT_BRACKET);
  press(GLFW_KEY_RIGHT_BRACKET);
  EXPECT_EQ(shown_layer(state), 2);
  press(GLFW_KEY_LEFT_BRACKET);
  EXPECT_EQ(shown_layer(state), 1);
  apply(state, action::SetStackLayer{kLayers - 1});
  press(GLFW_KEY_RIGHT_BRACKET);
  EXPECT_EQ(shown_layer(state), kLayers - 1) << "] at the last layer stays";
  apply(state, action::SetStackLayer{500});
  EXPECT_EQ(shown_layer(state), kLayers - 1) << "a layer past the model's is clamped";
  apply(state, action::Undo{});
  EXPECT_EQ(shown_layer(state), 1) << "a layer change is an edit: undo returns to the layer before it";
}

TEST(StackStripTest, TheStripShowsEveryLayerAndAClickPicksOne) {
  GuiHarness gui;
  AppState state = state_with(gemma3_classroom());
  gui.frame(state);
  std::set<int> thumbnails;
  for (const auto& [name, rect] : gui.report.panels)
    for (int l = 0; l < kLayers; ++l)
      if (name == "layer " + std::to_string(l)) thumbnails.insert(l);
  EXPECT_EQ(thumbnails.size(), static_cast<size_t>(kLayers));
  // Every thumbnail is painted from its layer's union over heads; layers 5 and 11 share the global one.
  int painted = 0;
  for (const auto& call : gui.painter.cells_calls) painted += call.cells == state.stack->unions[0] || call.cells == state.stack->unions[5];
  EXPECT_EQ(painted, kLayers);
  EXPECT_EQ(state.stack->unions[5], state.stack->unions[11]);
  EXPECT_NE(state.stack->unions[0], state.stack->unions[5]);

  ScreenRect third{};
  for (const auto& [name, rect] : gui.report.panels)
    if (name == "layer 3") third = rect;
  const ImVec2 centre{(third.x0 + third.x1) / 2, (third.y0 + third.y1) / 2};
  gui.frame(state, [&](ImGuiIO& io) { io.MousePos = centre; });
  gui.frame(state, [&](ImGuiIO& io) {
    io.MousePos = centre;
    io.MouseDown[0] = true;
  });
  const ActionQueue release = gui.frame(state, [&](ImGuiIO& io) { io.MousePos = centre; });
  const auto* pick = release.find<action::SetStackLayer>();
  ASSERT_TRUE(pick) << "a click on a thumbnail picks its layer";
  EXPECT_EQ(pick->layer, 3);
}

TEST(StackStripTest, TheShownLayerIsTheLayerThatLayerFlagResolves) {
  AppState state = state_with(gemma3_classroom());
  for (int layer : {0, 4, 5, 6, 11}) {
    apply(state, action::SetStackLayer{layer});
    ASSERT_TRUE(state.analysis);
    EXPECT_EQ(state.scene, stack_layer_scene(gemma3_classroom(), layer)) << "the scene --layer " << layer << " gives";
    EXPECT_EQ(state.analysis->scene.layer.value_or(0), layer);
    expect_mask_is_rule(*state.analysis, layer);
  }
}

TEST(StackStripTest, TheReachViewShowsTheSetsAfterTheShownLayer) {
  GuiHarness gui;
  AppState state = state_with(gemma3_classroom());
  apply(state, action::ToggleStackReach{});
  ASSERT_TRUE(state.view.stack_reach);
  for (int layer : {0, 3, 4, 5, 20}) {
    apply(state, action::SetStackLayer{layer});
    ASSERT_TRUE(state.stack);
    ASSERT_EQ(state.stack->reach_layer, layer);
    const RowRuns& sets = state.stack->reach->sets;
    const std::vector<std::set<int>> expected = gemma3_reach(layer);
    for (int q = 0; q < kN; ++q)
      for (int k = 0; k < kN; ++k)
        ASSERT_EQ(sets.contains(q, k), expected[q].count(k) == 1) << "after layer " << layer << " q " << q << " k " << k;
    gui.frame(state);
    bool painted = false;
    for (const auto& call : gui.painter.cells_calls) painted |= call.cells.get() == &sets;
    EXPECT_TRUE(painted) << "the view paints the field's sets";
    EXPECT_TRUE(gui.report.heatmaps.empty()) << "the field takes the heatmaps' place";
  }
  // Every query reads its whole prefix first after layer 5, the first global layer: the five
  // window layers before it reach 5·3 = 15 tokens back, the global one all of them.
  EXPECT_EQ(state.stack->reach->whole_prefix_at, 6);
  apply(state, action::ToggleStackReach{});
  gui.frame(state);
  EXPECT_FALSE(gui.report.heatmaps.empty());
}

// The field's image, which takes a frame tens of milliseconds at N = 131072, comes built with the
// field in the theme's colours: every texel (one cell at N = 64) is the axis colour where the rule
// lets the query depend on the key, else the masked one. A theme change builds the image again in
// its colours and reuses the field.
bool texel_is(const RgbaImage& image, int q, int k, Rgb8 c) {
  const uint8_t* p = &image.rgba[(static_cast<size_t>(q) * image.size + k) * 4];
  return p[0] == c.r && p[1] == c.g && p[2] == c.b;
}

void expect_field_image(const AppState& state, int layer, ThemeName theme) {
  ASSERT_TRUE(state.stack && state.stack->reach_image);
  EXPECT_EQ(state.stack->reach_theme, theme);
  const RgbaImage& image = *state.stack->reach_image;
  ASSERT_EQ(image.n, kN);
  ASSERT_EQ(image.size, kN) << "one texel a cell";
  const Theme& colours = theme_get(theme);
  const std::vector<std::set<int>> expected = gemma3_reach(layer);
  for (int q = 0; q < kN; ++q)
    for (int k = 0; k < kN; ++k)
      ASSERT_TRUE(texel_is(image, q, k, expected[q].count(k) ? colours.axis : colours.masked))
          << theme_name(theme) << " q " << q << " k " << k;
}

TEST(StackStripTest, TheFieldsImageComesWithItInTheThemesColours) {
  GuiHarness gui;
  AppState state = state_with(gemma3_classroom());
  apply(state, action::SetStackLayer{4});
  apply(state, action::ToggleStackReach{});
  expect_field_image(state, 4, ThemeName::Light);
  gui.frame(state);
  ASSERT_EQ(gui.painter.cells_calls.size(), static_cast<size_t>(kLayers) + 1) << "the thumbnails and the field";
  EXPECT_EQ(gui.painter.cells_calls.back().image, state.stack->reach_image) << "the view draws the image it was given";
  const auto field = state.stack->reach;
  apply(state, action::SetTheme{ThemeName::Dark});
  expect_field_image(state, 4, ThemeName::Dark);
  EXPECT_EQ(state.stack->reach, field) << "a theme change builds the image alone";
  apply(state, action::SetClassroom{true});
  expect_field_image(state, 4, state.view.classroom_theme);
}

// A large model's strip comes from a job: while the field's image is built in another theme's
// colours, the view shows the job's progress in its place rather than the old colours.
TEST(StackStripTest, ALargeFieldsImageInAnotherThemeIsBuiltByAJob) {
  GuiHarness gui;
  AppState state = state_with(gemma3_classroom());
  state.async_min_n = 1;
  apply(state, action::ToggleStackReach{});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  expect_field_image(state, 0, ThemeName::Light);
  apply(state, action::SetTheme{ThemeName::Dark});
  ASSERT_TRUE(state.jobs_running(JobKind::Stack)) << "the image in the new colours is a job's";
  gui.frame(state);
  for (const auto& call : gui.painter.cells_calls) EXPECT_FALSE(call.image) << "no image in the old colours";
  bool panel = false;
  for (const auto& [name, rect] : gui.report.panels) panel |= name == "stack reach";
  EXPECT_TRUE(panel) << "the field's place shows the job's progress";
  for (const Action& a : jobs_wait(state)) apply(state, a);
  expect_field_image(state, 0, ThemeName::Dark);
}

TEST(StackStripTest, TheModelPresetsAreAGroupOfThePresetList) {
  const auto presets = presets_load(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes");
  std::set<std::string> models;
  bool grouped_last = true;  // the group follows the main list
  for (size_t i = 0; i < presets.size(); ++i) {
    if (presets[i].group == kModelPresetsGroup) models.insert(presets[i].file);
    else grouped_last = grouped_last && (i == 0 || presets[i - 1].group.empty());
  }
  EXPECT_TRUE(grouped_last);
  for (const char* file : {"models/gemma3_27b_classroom.json", "models/quest_longchat_7b.json", "models/mistral_7b.json"})
    EXPECT_EQ(models.count(file), 1u) << file;
  const auto gemma = std::find_if(presets.begin(), presets.end(),
                                  [](const Preset& p) { return p.file == "models/gemma3_27b_classroom.json"; });
  ASSERT_NE(gemma, presets.end());
  EXPECT_EQ(gemma->error, "");
  AppState state = state_with(classroom_scene());
  state.presets = presets;
  apply(state, action::LoadPreset{static_cast<int>(gemma - presets.begin())});
  ASSERT_TRUE(state.stack) << "a model preset opens with its layer strip";
  EXPECT_EQ(state.stack->layers(), kLayers);
}

TEST(StackStripTest, APlainSceneHasNoStrip) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  EXPECT_FALSE(state.stack);
  apply(state, action::StackLayerNext{});
  apply(state, action::ToggleStackReach{});
  EXPECT_FALSE(state.view.stack_reach);
  gui.frame(state);
  for (const auto& [name, rect] : gui.report.panels) EXPECT_NE(name, "layer strip");
}

}  // namespace
}  // namespace attnscope::test
