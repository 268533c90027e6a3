// A monkey at the keyboard: thousands of random actions with a fixed seed, through the same two
// doors the GUI has (ImGui input into the real views, whose actions go through apply(), and
// actions enqueued directly: scene edits with invalid values, presets, undo/redo, export).
// After every action the state must be consistent; after every episode, undoing every edit must
// bring back the scene the episode started from.
#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <cmath>
#include <limits>
#include <random>

#include "core/scene/variant.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

constexpr uint32_t kSeed = 20261125;
constexpr int kEpisodes = 24;
// Fewer actions than History::kLimit per episode, so every edit of an episode can be undone.
constexpr int kActionsPerEpisode = 180;

class Monkey {
 public:
  Monkey(GuiHarness& gui, AppState& state, const std::string& export_dir) : gui_(gui), state_(state), random_(kSeed) {
    apply(state_, action::SetExportFolder{export_dir});  // Export, and Ctrl+E among the keys, write there
  }

  void act() {
    switch (pick(14)) {
      case 0: case 1: key(); break;
      case 2: click(); break;
      case 3: drag(); break;
      case 4: wheel(); break;
      case 5: case 6: apply(state_, action::SetScene{mutated_scene()}); break;
      case 7: apply(state_, action::LoadPreset{pick(static_cast<int>(state_.presets.size()) + 2) - 1}); break;
      case 8: apply(state_, pick(2) ? Action{action::Undo{}} : Action{action::Redo{}}); break;
      case 9: apply(state_, odd_view_action()); break;
      case 10: apply(state_, odd_cell_action()); break;
      case 11: apply(state_, action::StepTo{pick(40) - 10, pick(2) == 0}); break;
      case 12: tick(state_, pick(2) ? 1.f / 60.f : uniform(0.f, 3.f)); break;
      case 13:
        if (pick(4) == 0) apply(state_, action::Export{});
        break;
    }
    // What the frame loop does between frames: apply what finished jobs (the exports) hand back,
    // draw the views.
    for (const Action& a : jobs_wait(state_)) {
      // A compare set naming an unknown variant cannot be drawn: that is reported, not written.
      if (const auto* toast = std::get_if<action::ShowToast>(&a)) {
        EXPECT_EQ(toast->error, toast->text.rfind("Exported ", 0) != 0) << toast->text;
        exports_written_ += !toast->error;
      }
      apply(state_, a);
    }
    gui_.frame(state_);
  }

  int exports_written() const { return exports_written_; }

 private:
  int pick(int count) { return std::uniform_int_distribution<int>(0, count - 1)(random_); }
  float uniform(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(random_); }
  ImVec2 anywhere() { return {uniform(-20.f, 1300.f), uniform(-20.f, 820.f)}; }

  void frame_with(const std::function<void(ImGuiIO&)>& input) {
    ActionQueue queue = gui_.frame(state_, [&](ImGuiIO& io) {
      io.MouseDown[1] = false;
      input(io);
    });
    apply_all(state_, queue);
  }

  void key() {
    // Key 9 would open the N = 8192 preset, whose analysis is the large-scene work's subject.
    static const int kKeys[] = {GLFW_KEY_SPACE, GLFW_KEY_LEFT, GLFW_KEY_RIGHT, GLFW_KEY_HOME, GLFW_KEY_END,
                                GLFW_KEY_1,     GLFW_KEY_2,    GLFW_KEY_3,     GLFW_KEY_4,    GLFW_KEY_5,
                                GLFW_KEY_6,     GLFW_KEY_7,    GLFW_KEY_8,     GLFW_KEY_EQUAL, GLFW_KEY_MINUS,
                                GLFW_KEY_0,     GLFW_KEY_C,    GLFW_KEY_L,     GLFW_KEY_F,    GLFW_KEY_G,
                                GLFW_KEY_K,     GLFW_KEY_F11,  GLFW_KEY_ESCAPE, GLFW_KEY_Z,   GLFW_KEY_Y,
                                GLFW_KEY_E,     GLFW_KEY_A};
    const int code = kKeys[pick(std::size(kKeys))];
    const bool ctrl = pick(4) == 0, shift = pick(4) == 0;
    frame_with([](ImGuiIO&) {});  // a key counts as pressed on the frame it goes down
    frame_with([&](ImGuiIO& io) {
      io.KeysDown[code] = true;
      io.KeyCtrl = ctrl;
      io.KeyShift = shift;
    });
  }

  void click() {
    const ImVec2 at = anywhere();
    const int button = pick(3) == 0 ? 1 : 0;
    frame_with([&](ImGuiIO& io) { io.MousePos = at; });
    frame_with([&](ImGuiIO& io) {
      io.MousePos = at;
      io.MouseDown[button] = true;
    });
    frame_with([&](ImGuiIO& io) { io.MousePos = at; });
  }

  void drag() {
    const ImVec2 from = anywhere(), to = anywhere();
    const int button = pick(2);
    for (int i = 0; i <= 4; ++i) {
      const float t = i / 4.f;
      frame_with([&](ImGuiIO& io) {
        io.MousePos = {from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t};
        io.MouseDown[button] = true;
      });
    }
    frame_with([&](ImGuiIO& io) { io.MousePos = to; });
  }

  void wheel() {
    const ImVec2 at = anywhere();
    const float notches = uniform(-5.f, 5.f);
    frame_with([&](ImGuiIO& io) {
      io.MousePos = at;
      io.MouseWheel = notches;
    });
  }

  // A scene one or two edits away from the current one, often invalid.
  Scene mutated_scene() {
    static const int kNumbers[] = {-3, 0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 48, 64, 100, 128, 70000};
    static const char* const kPolicies[] = {"causal", "bidirectional", "prefix:4", "prefix:99",
                                            "documents:8,8", "documents:4,4", "sideways", ""};
    static const char* const kTexts[] = {"1", "2", "4", "-1", "0", "0,5", "x", "", "1,2,4", "0.5", "r2",
                                         "shifted", "true", "99999999999"};
    Scene scene = state_.scene;
    const std::vector<const Variant*> variants = variant_all();
    for (int edits = 1 + pick(2); edits > 0; --edits) {
      const int number = kNumbers[pick(std::size(kNumbers))];
      switch (pick(10)) {
        case 0: scene.variant = pick(8) ? variants[pick(variants.size())]->info().name : "nope"; break;
        case 1: scene.n = number; break;
        case 2: scene.g = number; break;
        case 3: scene.heads = number; break;
        case 4: scene.d = std::min(number, 64); break;
        case 5: scene.batch = std::min(number, 3); break;
        case 6: scene.shift = pick(3) ? std::optional<int>(number - 8) : std::nullopt; break;
        case 7: scene.policy = kPolicies[pick(std::size(kPolicies))]; break;
        case 8: {
          const Variant* variant = variant_find(scene.variant);
          if (!variant || variant->info().params.empty()) break;
          const auto& params = variant->info().params;
          const std::string& name = params[pick(params.size())].name;
          if (pick(5) == 0) scene.params.erase(name);
          else scene.params[name] = kTexts[pick(std::size(kTexts))];
          break;
        }
        case 9:
          scene.compare.clear();
          for (int i = pick(3); i > 0; --i) scene.compare.push_back(variants[pick(variants.size())]->info().name);
          break;
      }
    }
    return scene;
  }

  Action odd_view_action() {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const float odd[] = {nan, inf, -inf, 0.f, -2.f, 1e-30f, 1e30f, 0.5f, 1.5f};
    const float value = odd[pick(std::size(odd))];
    switch (pick(9)) {
      case 0: return action::SetSpeed{value};
      case 1: return action::Zoom{value, std::nullopt};  // about the centre
      case 2: return action::Pan{value, odd[pick(std::size(odd))]};
      case 3: return action::ResetZoom{};
      case 4: return action::SetCompare{pick(2) == 0, pick(2) ? std::vector<std::string>{} : std::vector<std::string>{"full", "nope", "short", "s2", "window"}};
      case 5: return action::SetBreakpoint{pick(2) ? "mask" : "no-such-step"};
      case 6: return action::SetColormap{static_cast<ColormapName>(pick(3))};
      case 7: return action::Play{};
      default: return action::StepLast{};
    }
  }

  Action odd_cell_action() {
    const int values[] = {-1, 0, 1, 3, 15, 16, 1000, std::numeric_limits<int>::min()};
    std::optional<Cell> cell;
    if (pick(5)) cell = Cell{values[pick(std::size(values))], values[pick(std::size(values))], values[pick(std::size(values))]};
    switch (pick(3)) {
      case 0: return action::SetHover{cell};
      case 1: return action::Pin{cell};
      default: return action::SetWatch{cell};
    }
  }

  GuiHarness& gui_;
  AppState& state_;
  std::mt19937 random_;
  int exports_written_ = 0;
};

void expect_cell_inside(const std::optional<Cell>& cell, const Analysis& a, const char* what) {
  if (!cell) return;
  EXPECT_TRUE(cell->head >= 0 && cell->head < a.heads() && cell->q >= 0 && cell->q < a.n() &&
              cell->k >= 0 && cell->k < a.n())
      << what << " (" << cell->head << ", " << cell->q << ", " << cell->k << ") is outside the scene";
}

// What every frame may rely on.
void expect_consistent(const AppState& state) {
  ASSERT_TRUE(state.analysis) << "the last good analysis is never dropped";
  const Analysis& a = *state.analysis;
  if (state.error.empty()) EXPECT_EQ(a.scene, state.scene) << "no error, yet the analysis is of another scene";
  const int steps = static_cast<int>(a.trace().steps.size());
  EXPECT_TRUE(state.play.step >= 0 && state.play.step < steps) << state.play.step;
  EXPECT_TRUE(state.play.from >= 0 && state.play.from < steps) << state.play.from;
  EXPECT_TRUE(state.play.t >= 0.f && state.play.t <= 1.f) << state.play.t;
  EXPECT_TRUE(state.play.speed >= 0.25f && state.play.speed <= 4.f) << state.play.speed;
  EXPECT_TRUE(std::isfinite(state.view.zoom) && state.view.zoom >= 1.f) << state.view.zoom;
  const float pan_limit = 1.f - 1.f / state.view.zoom;
  EXPECT_TRUE(state.view.pan_x >= 0.f && state.view.pan_x <= pan_limit) << state.view.pan_x;
  EXPECT_TRUE(state.view.pan_y >= 0.f && state.view.pan_y <= pan_limit) << state.view.pan_y;
  expect_cell_inside(state.hover, a, "hover");
  expect_cell_inside(state.pinned, a, "pinned");
  expect_cell_inside(state.play.watch, a, "watch");
  EXPECT_LE(state.history.undo.size(), History::kLimit);
  EXPECT_LE(state.view.compare_variants.size(), 4u);
  if (state.view.compare) EXPECT_EQ(state.compare_errors.size(), state.view.compare_variants.size());
  EXPECT_TRUE(std::isfinite(state.weight_scale.vmax) && state.weight_scale.vmax > 0.f);
}

TEST(MonkeyTest, RandomActionsKeepTheStateValidAndUndoReturnsToTheStart) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  state.presets = presets_load(assets_dir());
  std::erase_if(state.presets, [](const Preset& p) { return p.scene.n > 1024; });
  // Synchronous analyses make every action's outcome visible to the check that follows it.
  state.async_min_n = std::numeric_limits<int>::max();
  TempDir exports;
  Monkey monkey(gui, state, exports.path.string());
  const Scene start = state.scene;
  int actions = 0;
  for (int episode = 0; episode < kEpisodes; ++episode) {
    for (int i = 0; i < kActionsPerEpisode; ++i, ++actions) {
      monkey.act();
      expect_consistent(state);
      if (::testing::Test::HasFailure()) FAIL() << "after action " << actions << " (episode " << episode << ")";
    }
    const Scene reached = state.scene;
    const size_t edits = state.history.undo.size();
    while (!state.history.undo.empty()) apply(state, action::Undo{});
    ASSERT_EQ(state.scene, start) << "episode " << episode << ": undoing " << edits << " edits";
    EXPECT_TRUE(state.error.empty()) << state.error;
    EXPECT_EQ(state.analysis->scene, start);
    // Redo entries left by the monkey's own undos sit below these: redo exactly what was undone.
    for (size_t i = 0; i < edits; ++i) apply(state, action::Redo{});
    ASSERT_EQ(state.scene, reached) << "episode " << episode << ": redoing " << edits << " edits";
    while (!state.history.undo.empty()) apply(state, action::Undo{});
    state.history.redo.clear();
    expect_consistent(state);
  }
  std::cout << "monkey: " << actions << " actions, " << monkey.exports_written() << " exports written\n";
  EXPECT_EQ(actions, kEpisodes * kActionsPerEpisode);
  EXPECT_GT(monkey.exports_written(), 0);
  for (const auto& entry : std::filesystem::directory_iterator(exports.path))
    EXPECT_EQ(entry.path().extension(), ".png") << "a partial or stray file: " << entry.path();
}

}  // namespace
}  // namespace attnscope::test
