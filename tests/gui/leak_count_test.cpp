// A head's header counts leaks only once the mask exists. At 1280×800, in the normal and the
// classroom mode, every step of the classroom scene: before the mask step no header carries a
// leak count; from it on, the shifted head's header ends with the count the paper's rule gives.
#include <gtest/gtest.h>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/scene/scene.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

// S2-Attn rolls the shifted head by −G/2, so its last group holds tokens N−G/2 … N−1, 0 … G/2−1 in
// that order; the causal mask lets the query in slot i read the keys in slots 0..i, and a key with
// a larger token id than its query is a leak.
int64_t shifted_head_leaks(int n, int g) {
  std::vector<int> group;
  for (int slot = 0; slot < g; ++slot) group.push_back((n - g / 2 + slot) % n);
  int64_t leaks = 0;
  for (int i = 0; i < g; ++i)
    for (int j = 0; j <= i; ++j) leaks += group[j] > group[i];
  return leaks;
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

TEST(LeakCountGLTest, HeadersCountLeaksFromTheMaskStepOnInBothModes) {
  const Scene scene = scene_load(scene_path("01_classroom.json"));
  // The step that applies the mask, by its name in the trace, and the number of steps.
  const auto steps = analyze(scene)->trace().steps;
  int mask_step = -1;
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].name == "mask") mask_step = static_cast<int>(i);
  ASSERT_GT(mask_step, 0) << "the classroom scene has no mask step";
  const std::string shifted_count = std::to_string(shifted_head_leaks(scene.n, scene.g)) + " leaks";
  EXPECT_EQ(shifted_count, "4 leaks");  // N = 16, G = 4: queries 0 and 1 read keys 14 and 15
  const std::regex count(R"(\d+ leaks?)");

  for (const std::string mode : {"", "--classroom"})
    for (int step = 0; step < static_cast<int>(steps.size()); ++step) {
      const std::string what =
          std::string(mode.empty() ? "normal" : "classroom") + " step " + std::to_string(step);
      SCOPED_TRACE(what);
      const Screenshot s = screenshot_take("--scene " + scene_path("01_classroom.json") + " --frames 2 --size 1280x800 " +
                                               mode + " --step " + std::to_string(step),
                                           "leak_count" + mode + "_" + std::to_string(step));
      ASSERT_EQ(s.exit_code, 0);
      ASSERT_EQ(s.layout["heatmaps"].size(), 2u);
      for (const auto& heatmap : s.layout["heatmaps"]) {
        const std::string header = heatmap["header"];
        if (step < mask_step) EXPECT_FALSE(std::regex_search(header, count)) << "before the mask: " << header;
      }
      if (step >= mask_step) {
        const std::string header = s.heatmap(1)["header"];
        EXPECT_TRUE(ends_with(header, "  " + shifted_count)) << "from the mask on: " << header;
        EXPECT_TRUE(ends_with(s.heatmap(0)["header"].get<std::string>(), "  0 leaks")) << s.heatmap(0)["header"];
      }
    }
}

}  // namespace
}  // namespace attnscope::test
