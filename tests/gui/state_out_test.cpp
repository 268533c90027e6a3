// Scripts that drive the live window read --state-out, not a screenshot's sidecar: it must carry
// the same findings of cut text, or a cut label goes unseen by them.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/gui/screenshot_support.hpp"

extern char** environ;

namespace attnscope::test {
namespace {

// A live `attnscope gui` (no screenshot: it runs until it is stopped) writing --state-out.
class LiveGui {
 public:
  explicit LiveGui(const std::vector<std::string>& args) {
    state_path_ = std::string(::testing::TempDir()) + "attnscope_state_out_" + std::to_string(getpid()) + ".json";
    std::remove(state_path_.c_str());
    std::vector<std::string> argv{ATTNSCOPE_BINARY, "gui", "--no-settings", "--state-out", state_path_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    if (posix_spawn(&pid_, raw[0], nullptr, nullptr, raw.data(), environ) != 0) pid_ = -1;
  }
  ~LiveGui() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(state_path_.c_str());
  }
  bool started() const { return pid_ > 0; }

  nlohmann::json state() const {
    std::ifstream in(state_path_);
    if (!in) return nullptr;
    try {
      return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
      return nullptr;  // read while it was being replaced
    }
  }

  // The state once its layout holds drawn glyphs (the first frames may not have drawn text yet)
  // and the window has settled (it idles a few frames after the last change), or the last one
  // seen after `seconds`.
  nlohmann::json settled_state_with_text(double seconds = 20.0) const {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (state().is_object() && state()["layout"].value("glyphs", 0) > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        return state();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return state();
  }

 private:
  pid_t pid_ = -1;
  std::string state_path_;
};

// The policy field holds more text than it shows (ProjectorGLTest.TheGlyphCheckReportsCutText
// finds it in the screenshot): the live window's state file reports the same cut glyphs.
TEST(StateOutGLTest, TheStateFileReportsCutText) {
  const std::string policy = "documents:1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1";
  // The same step in both: a screenshot opens at the last one, the live window at the first.
  const Screenshot shot = screenshot_take("--frames 2 --step 0 --size 1024x768 --policy " + policy, "state_out_cut_field");
  ASSERT_EQ(shot.exit_code, 0);
  ASSERT_FALSE(shot.layout["clipped_glyphs"].empty());

  LiveGui gui({"--step", "0", "--size", "1024x768", "--policy", policy});
  ASSERT_TRUE(gui.started());
  const nlohmann::json state = gui.settled_state_with_text();
  ASSERT_TRUE(state.is_object()) << "no state file was written";
  const nlohmann::json& layout = state["layout"];
  EXPECT_GT(layout.value("glyphs", 0), 0) << "the state file counts no drawn glyphs: " << layout.dump().substr(0, 400);
  EXPECT_FALSE(layout["clipped_glyphs"].empty()) << "the policy field's cut text is missing from the state file";
  // The same check on the same screen: the glyphs it draws and the ones it finds cut agree.
  EXPECT_EQ(layout["glyphs"], shot.layout["glyphs"]);
  EXPECT_EQ(layout["clipped_glyphs"], shot.layout["clipped_glyphs"]);
}

}  // namespace
}  // namespace attnscope::test
