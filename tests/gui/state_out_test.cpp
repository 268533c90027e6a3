// Scripts that drive the live window read --state-out, not a screenshot's sidecar: it must carry
// the same findings of cut text, or a cut label goes unseen by them.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/gui/screenshot_support.hpp"
#include "tests/support/live_gui.hpp"

namespace attnscope::test {
namespace {

// The state once its layout holds drawn glyphs (the first frames may not have drawn text yet)
// and the window has settled (it idles a few frames after the last change), or the last one
// seen after 20 s.
nlohmann::json settled_state_with_text(const LiveGui& gui) {
  const nlohmann::json drawn =
      gui.wait_for([](const nlohmann::json& s) { return s.is_object() && s["layout"].value("glyphs", 0) > 0; }, 20.0);
  if (drawn.is_null() || drawn["layout"].value("glyphs", 0) == 0) return drawn;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  return gui.state();
}

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
  const nlohmann::json state = settled_state_with_text(gui);
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
