// Settings: the file round trip, damaged files, where the file lives, and that screenshots,
// benchmarks and --no-settings neither read nor write it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/gui/startup.hpp"
#include "tests/gui_logic/gui_harness.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope::test {
namespace {

namespace fs = std::filesystem;

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = fs::path(::testing::TempDir()) /
              ("attnscope_settings_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    old_xdg_ = std::getenv("XDG_CONFIG_HOME") ? std::getenv("XDG_CONFIG_HOME") : "";
    setenv("XDG_CONFIG_HOME", folder_.c_str(), 1);
  }
  void TearDown() override {
    if (old_xdg_.empty()) unsetenv("XDG_CONFIG_HOME");
    else setenv("XDG_CONFIG_HOME", old_xdg_.c_str(), 1);
  }
  std::string path() const { return (folder_ / "attnscope" / "settings.json").string(); }
  void write(const std::string& text) const {
    fs::create_directories(folder_ / "attnscope");
    std::ofstream(path()) << text;
  }
  static Settings customised() {
    Settings s;
    s.theme = ThemeName::Dark;
    s.colormap = ColormapName::Magma;
    s.classroom = true;
    s.window_width = 1600;
    s.window_height = 900;
    s.last_scene = test_scene({.title = "my window", .variant = "window", .n = 32, .heads = 1});
    s.recent.scenes = {"/data/a.json", "/data/b.json"};
    s.recent.masks = {"/data/m.npy"};
    s.recent.modules = {"/data/model.pt"};
    s.lab.task = "copy";
    s.lab.layers = 3;
    s.lab.steps = 400;
    s.lab.batch = 32;
    s.lab.d_model = 48;
    s.lab.lr = 3e-3;
    s.lab.vocab = 12;
    s.lab.seed = 7;
    return s;
  }
  static std::string presets() { return std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes"; }

  fs::path folder_;
  std::string old_xdg_;
};

TEST_F(SettingsTest, TheFileLivesInXdgConfigHomeElseHomeDotConfig) {
  EXPECT_EQ(settings_path(), path());
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  setenv("XDG_CONFIG_HOME", "relative/dir", 1);  // the XDG spec says to ignore relative paths
  if (!home.empty()) EXPECT_EQ(settings_path(), home + "/.config/attnscope/settings.json");
  unsetenv("XDG_CONFIG_HOME");
  if (!home.empty()) EXPECT_EQ(settings_path(), home + "/.config/attnscope/settings.json");
}

TEST_F(SettingsTest, SaveThenLoadGivesTheSameSettings) {
  const Settings s = customised();
  settings_save(path(), s);  // creates the attnscope folder
  std::string warning;
  EXPECT_EQ(settings_load(path(), warning), s);
  EXPECT_EQ(warning, "");
  // Written atomically: no temporary file is left beside it.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(folder_ / "attnscope")) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(SettingsTest, AMissingFileGivesTheDefaultsWithoutAMessage) {
  std::string warning = "stale";
  EXPECT_EQ(settings_load(path(), warning), Settings{});
  EXPECT_EQ(warning, "");
}

TEST_F(SettingsTest, ADamagedFileGivesAMessageAndTheDefaults) {
  for (const char* text : {"{\"theme\": \"dark\", \"colo", "", "[1, 2]", "\x89PNG\r\n"}) {
    write(text);
    std::string warning;
    EXPECT_EQ(settings_load(path(), warning), Settings{}) << text;
    EXPECT_NE(warning.find(path()), std::string::npos) << text;
    EXPECT_NE(warning.find("defaults"), std::string::npos) << warning;
  }
}

TEST_F(SettingsTest, AnUnreadableKeyCostsOnlyItself) {
  write(R"({"theme": "dark", "colormap": "rainbow", "classroom": "yes", "window": {"width": 10, "height": 10},
           "last_scene": {"variant": "s2", "n": 15, "g": 4}, "recent": {"scenes": ["/a.json"]},
           "lab": {"task": "copy", "layers": 0, "steps": 10, "batch": 4, "d_model": 8, "lr": 0.1, "vocab": 4,
                   "seed": 1}})");
  std::string warning;
  const Settings s = settings_load(path(), warning);
  EXPECT_EQ(s.theme, ThemeName::Dark);
  EXPECT_EQ(s.colormap, ColormapName::Viridis);
  EXPECT_FALSE(s.classroom);
  EXPECT_EQ(s.window_width, 1280);
  EXPECT_FALSE(s.last_scene) << "N = 15 does not divide into groups of 4";
  EXPECT_EQ(s.recent.scenes, std::vector<std::string>{"/a.json"});
  EXPECT_EQ(s.lab, LabSettings{}) << "0 layers cannot train";
  for (const char* key : {"colormap", "classroom", "window", "last_scene", "lab"})
    EXPECT_NE(warning.find(key), std::string::npos) << warning;
  EXPECT_EQ(warning.find("theme,"), std::string::npos) << warning;
}

TEST_F(SettingsTest, TheGuiStartsFromTheSettingsAndSavesWhatItShows) {
  settings_save(path(), customised());
  const GuiStart start = gui_start(GuiRequest{});
  EXPECT_EQ(start.settings_path, path());
  EXPECT_EQ(start.settings, customised());
  AppState state;
  state_open(state, GuiRequest{}, start.settings, presets());
  EXPECT_EQ(state.scene.title, "my window") << "the last scene comes back";
  EXPECT_EQ(state.view.colormap, ColormapName::Magma);
  EXPECT_EQ(state.view.desk_theme, ThemeName::Dark);
  EXPECT_TRUE(state.view.classroom);
  EXPECT_EQ(state.recent, customised().recent);
  EXPECT_TRUE(state.history.undo.empty());
  EXPECT_EQ(state.lab.settings, customised().lab) << "the Lab panel's settings come back";
  EXPECT_EQ(settings_from_state(state, 1600, 900), customised());
}

TEST_F(SettingsTest, ASceneNamedOnTheCommandLineWinsOverTheLastScene) {
  settings_save(path(), customised());
  GuiRequest request;
  request.scene.n = 8;
  request.scene.g = 2;
  request.scene_given = true;
  AppState state;
  state_open(state, request, gui_start(request).settings, presets());
  EXPECT_EQ(state.scene.variant, "s2");
  EXPECT_EQ(state.scene.n, 8);
  EXPECT_EQ(state.view.colormap, ColormapName::Magma) << "the other settings still apply";
}

TEST_F(SettingsTest, ScreenshotsBenchmarksAndNoSettingsIgnoreTheSettingsFile) {
  settings_save(path(), customised());
  GuiRequest screenshot, bench, no_settings;
  screenshot.screenshot = "out.png";
  bench.bench_frames = 10;
  no_settings.no_settings = true;
  for (const GuiRequest& request : {screenshot, bench, no_settings}) {
    EXPECT_FALSE(settings_used(request));
    const GuiStart start = gui_start(request);
    EXPECT_EQ(start.settings_path, "") << "nothing to write back to";
    EXPECT_EQ(start.settings, Settings{});
    AppState state;
    state_open(state, request, start.settings, presets());
    EXPECT_EQ(state.scene.title, presets_load(presets()).front().scene.title) << "the first preset, as on a first run";
    EXPECT_EQ(state.view.colormap, ColormapName::Viridis);
    EXPECT_FALSE(state.view.classroom);
    EXPECT_TRUE(state.recent.scenes.empty());
  }
  EXPECT_TRUE(settings_used(GuiRequest{}));
}

}  // namespace
}  // namespace attnscope::test
