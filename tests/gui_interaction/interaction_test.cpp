// The real binary driven with synthetic X events (xdotool, XTEST), as a teacher with a clicker
// and a mouse would: quick taps all register, a typed value applies when the field loses focus,
// the wheel zooms about the pointed cell. The binary reports its state through --state-out.
// These tests need the X server to themselves (focus and pointer are global), so CTest runs them
// serially.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/live_gui.hpp"

namespace attnscope::test {
namespace {


std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[256];
    while (fgets(buffer, sizeof buffer, pipe)) out += buffer;
    pclose(pipe);
  }
  return out;
}

void xdotool(const std::string& args) {
  const std::string command = "xdotool " + args;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// The live GUI and its window, for X events.
class Gui : public LiveGui {
 public:
  explicit Gui(std::vector<std::string> args, const std::string& folder = {}) : LiveGui(std::move(args), folder) {}

  // The window id, once the window is mapped; focused, with the pointer over it.
  std::string window() {
    if (window_.empty()) {
      const std::string out = command_output("xdotool search --sync --onlyvisible --pid " + std::to_string(pid()) + " 2>/dev/null");
      window_ = out.substr(0, out.find('\n'));
      if (!window_.empty()) std::system(("xdotool windowfocus --sync " + window_ + " 2>/dev/null").c_str());
    }
    return window_;
  }

  // The first frames lay the window out; the layout is final once the GUI idles.
  void settle() const { std::this_thread::sleep_for(std::chrono::milliseconds(800)); }

  // Moves the pointer to window coordinates (the state's layout is in window pixels).
  void move(double x, double y) {
    xdotool("mousemove --window " + window() + " " + std::to_string(static_cast<int>(x)) + " " +
            std::to_string(static_cast<int>(y)));
  }

 private:
  std::string window_;
};

bool xdotool_available() { return std::system("command -v xdotool >/dev/null 2>&1") == 0; }

// No xdotool: a skip, unless CI forbids skipping (ATTNSCOPE_REQUIRE_DISPLAY=1), then a failure.
#define REQUIRE_XDOTOOL()                                                                     \
  do {                                                                                        \
    if (!xdotool_available()) {                                                               \
      const char* required = std::getenv("ATTNSCOPE_REQUIRE_DISPLAY");                        \
      if (required && std::string(required) == "1") FAIL() << "xdotool is not installed";     \
      GTEST_SKIP() << "xdotool is not installed (scripts/lib.sh lists it)";                   \
    }                                                                                         \
  } while (0)

TEST(InteractionGLTest, TenQuickTapsAreTenSteps) {
  REQUIRE_XDOTOOL();
  Gui gui({"--classroom"});
  ASSERT_TRUE(gui.started());
  ASSERT_FALSE(gui.window().empty()) << "the GUI window did not appear";
  const auto first = gui.wait_for([](const nlohmann::json& s) { return s["step"] == 0 && s["steps"] == 12; });
  ASSERT_EQ(first["step"], 0) << first.dump();
  // A clicker's taps: ten press-release pairs 6 ms apart, so several land within one 60 Hz frame
  // (a frame that polled the keys once would see a few of them). Not 0 ms: GLFW drops a second
  // press of a key that carries the same X timestamp as the previous one.
  xdotool("key --delay 6 Right Right Right Right Right Right Right Right Right Right");
  const auto after = gui.wait_for([](const nlohmann::json& s) { return s["step"] == 10; });
  EXPECT_EQ(after["step"], 10) << "ten taps must be ten steps";
  // PageUp / PageDown: what most presenter clickers send.
  xdotool("key --delay 6 Prior Prior Prior Next");
  const auto back = gui.wait_for([](const nlohmann::json& s) { return s["step"] == 8; });
  EXPECT_EQ(back["step"], 8) << "PageUp three times and PageDown once from step 10";
}

TEST(InteractionGLTest, ATypedValueAppliesWhenTheFieldLosesFocus) {
  REQUIRE_XDOTOOL();
  Gui gui({});
  ASSERT_TRUE(gui.started());
  ASSERT_FALSE(gui.window().empty());
  gui.settle();
  const auto s = gui.wait_for([](const nlohmann::json& s) { return s["layout"]["fields"].contains("n"); });
  ASSERT_TRUE(s["layout"]["fields"].contains("n")) << s.dump();
  ASSERT_EQ(s["scene"]["n"], 16);
  const auto& field = s["layout"]["fields"]["n"];
  gui.move((field[0].get<double>() + field[2].get<double>()) / 2, (field[1].get<double>() + field[3].get<double>()) / 2);
  xdotool("click 1");
  xdotool("key --delay 20 ctrl+a BackSpace 2 4");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(gui.state()["scene"]["n"], 16) << "nothing applies while typing";
  // Click away: on the heatmap panel, far from any field. No Enter is pressed.
  const auto& heatmap = s["layout"]["heatmaps"][0]["rect"];
  gui.move(heatmap[2].get<double>() - 2, heatmap[3].get<double>() + 4);
  xdotool("click 1");
  const auto applied = gui.wait_for([](const nlohmann::json& s) { return s["scene"]["n"] == 24; });
  EXPECT_EQ(applied["scene"]["n"], 24) << "typing 24 and clicking elsewhere applies N = 24";
}

TEST(InteractionGLTest, TheWheelZoomsAboutThePointedCell) {
  REQUIRE_XDOTOOL();
  Gui gui({"--n", "64", "--g", "16", "--heads", "2"});
  ASSERT_TRUE(gui.started());
  ASSERT_FALSE(gui.window().empty());
  gui.settle();
  const auto s = gui.wait_for([](const nlohmann::json& s) { return s["layout"]["heatmaps"].size() == 2; });
  ASSERT_EQ(s["layout"]["heatmaps"].size(), 2u) << s.dump();
  const auto& rect = s["layout"]["heatmaps"][1]["rect"];
  const double x0 = rect[0], y0 = rect[1], side = rect[2].get<double>() - x0;
  // Cell (q 40, k 20) of head 1, off the view's centre so that zooming about the centre would move it.
  const double cell = side / 64;
  gui.move(x0 + 20.5 * cell, y0 + 40.5 * cell);
  const nlohmann::json pointed{1, 40, 20};
  const auto hovered = gui.wait_for([&](const nlohmann::json& s) { return s.value("hover", nlohmann::json()) == pointed; });
  ASSERT_EQ(hovered.value("hover", nlohmann::json()), pointed) << "the pointer is not over cell (40, 20) of head 1";
  xdotool("click --repeat 4 --delay 80 4");  // wheel up: zoom in
  const auto zoomed = gui.wait_for([](const nlohmann::json& s) { return s["zoom"].get<double>() > 2.0; });
  ASSERT_GT(zoomed["zoom"].get<double>(), 2.0) << zoomed.dump();
  gui.move(x0 + 20.5 * cell + 1, y0 + 40.5 * cell);  // a pointer event, so the hover is read again
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto after = gui.state();
  EXPECT_EQ(after.value("hover", nlohmann::json()), pointed) << "the pointed cell stays under the pointer at zoom "
                                                             << after["zoom"];
}

// File > Open on a TorchScript module, as a user would: Ctrl+O, click the file; the module is
// audited in a child process on a worker while the window stays live, and then opens as the scene.
TEST(InteractionGLTest, FileOpenAuditsAModuleAndOpensIt) {
  REQUIRE_XDOTOOL();
  const std::filesystem::path folder = std::filesystem::path(::testing::TempDir()) / ("attnscope_open_module_" + std::to_string(getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  std::filesystem::copy_file(std::string(ATTNSCOPE_SOURCE_DIR) + "/tests/fixtures/modules/s2_even_g.pt", folder / "s2_even_g.pt");
  {
    Gui gui({}, folder.string());
    ASSERT_TRUE(gui.started());
    ASSERT_FALSE(gui.window().empty()) << "the GUI window did not appear";
    gui.wait_for([](const nlohmann::json& s) { return s["steps"] == 12; });
    gui.settle();
    xdotool("key ctrl+o");
    const auto listed = gui.wait_for([](const nlohmann::json& s) {
      return s["layout"].contains("browser_entries") && s["layout"]["browser_entries"].contains("s2_even_g.pt");
    });
    ASSERT_TRUE(listed["layout"]["browser_entries"].contains("s2_even_g.pt")) << listed.dump();
    const auto& r = listed["layout"]["browser_entries"]["s2_even_g.pt"];
    gui.move((r[0].get<double>() + r[2].get<double>()) / 2, (r[1].get<double>() + r[3].get<double>()) / 2);
    xdotool("click 1");
    const auto opened = gui.wait_for([](const nlohmann::json& s) { return s["scene"]["variant"] == "s2_even_g.pt"; }, 60.0);
    EXPECT_EQ(opened["scene"]["variant"], "s2_even_g.pt") << "the module's audit opens as the scene";
    EXPECT_EQ(opened["steps"], 11) << "its own steps: input, chunks, rolls, view, reshape, cat";
  }
  std::filesystem::remove_all(folder);
}

// Ctrl+E at the last step of an N = 8192 scene starts drawing every weight of its heads; the bar
// under the scene panel names the file, and Esc stops the export before anything is written.
TEST(InteractionGLTest, EscCancelsAnExport) {
  REQUIRE_XDOTOOL();
  const std::filesystem::path folder = std::filesystem::path(::testing::TempDir()) / ("attnscope_cancel_export_" + std::to_string(getpid()));
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  {
    Gui gui({"--n", "8192", "--g", "2048", "--heads", "4"}, folder.string());  // exports go to its working folder
    ASSERT_TRUE(gui.started());
    ASSERT_FALSE(gui.window().empty()) << "the GUI window did not appear";
    const auto analysed = gui.wait_for([](const nlohmann::json& s) { return s["steps"] == 12 && s["layout"]["jobs"].empty(); }, 60.0);
    ASSERT_EQ(analysed["steps"], 12) << analysed.dump();
    gui.settle();
    xdotool("key End");  // the output step: the export draws the heatmaps' weights
    ASSERT_EQ(gui.wait_for([](const nlohmann::json& s) { return s["step"] == 11; })["step"], 11);
    xdotool("key ctrl+e");
    const auto exporting = gui.wait_for([](const nlohmann::json& s) {
      for (const auto& job : s["layout"]["jobs"])
        if (job["what"].get<std::string>().rfind("exporting attnscope-heatmap-s2-n8192-step11-", 0) == 0) return true;
      return false;
    });
    ASSERT_FALSE(exporting["layout"]["jobs"].empty()) << "no export in the job list: " << exporting["layout"].dump();
    xdotool("key Escape");
    const auto stopped = gui.wait_for([](const nlohmann::json& s) { return s["layout"]["jobs"].empty(); });
    EXPECT_TRUE(stopped["layout"]["jobs"].empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      ADD_FAILURE() << "written although Esc cancelled the export: " << entry.path();
  }
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace attnscope::test
