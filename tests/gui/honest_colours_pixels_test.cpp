// A heatmap colours a step's own quantity or says it cannot: an analysis that holds only the
// structure (--max-memory too small for its values) draws its allowed cells in the neutral allowed
// grey, which the legend names, and shows no value scale. Each cell's pixel is compared with the
// swatch of the legend entry that names it, both read from the screenshot.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/presentation/step_scores.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

// The legend entry whose text starts with `prefix`; null when there is none.
const nlohmann::json* legend_entry(const Screenshot& s, const std::string& prefix) {
  for (const auto& e : s.layout["legend"])
    if (e["text"].get<std::string>().rfind(prefix, 0) == 0) return &e;
  return nullptr;
}

Rgb8 swatch_colour(const Screenshot& s, const nlohmann::json& entry) {
  const auto& r = entry["swatch"];
  return s.at(static_cast<int>((r[0].get<double>() + r[2].get<double>()) / 2),
              static_cast<int>((r[1].get<double>() + r[3].get<double>()) / 2));
}

// The first step of the trace whose heatmap shows `cells`.
int first_step(const Analysis& a, StepCells cells) {
  for (int i = 0; i < static_cast<int>(a.trace().steps.size()); ++i)
    if (step_cells(a, i) == cells) return i;
  return -1;
}

TEST(HonestColoursPixelsGLTest, StructureOnlyScoreStepsDrawAllowedCellsInTheLegendsAllowedColour) {
  const std::string scene_args = "--variant s2 --n 1024 --g 256 --heads 2";
  Scene scene;
  scene.variant = "s2";
  scene.n = 1024;
  scene.g = 256;
  scene.heads = 2;
  AnalyzeOptions structure;
  structure.values = false;
  const auto analysis = analyze(scene, structure);
  for (StepCells cells : {StepCells::Scores, StepCells::MaskedScores}) {
    const int step = first_step(*analysis, cells);
    ASSERT_GE(step, 0);
    // 1 MiB holds the masks but not the 263,168 allowed cells' scores and weights.
    const Screenshot s = screenshot_take(scene_args + " --max-memory 1 --size 1280x800 --step " + std::to_string(step),
                                         "structure_only_step" + std::to_string(step));
    ASSERT_EQ(s.exit_code, 0);
    const nlohmann::json* allowed = legend_entry(s, allowed_cells_label(cells));
    ASSERT_NE(allowed, nullptr) << s.layout["legend"].dump();
    EXPECT_EQ(legend_entry(s, "score"), nullptr) << "a value scale for values that are not drawn";
    const nlohmann::json* masked = legend_entry(s, masked_cells_label(cells));
    ASSERT_NE(masked, nullptr);
    const Rgb8 allowed_swatch = swatch_colour(s, *allowed), masked_swatch = swatch_colour(s, *masked);
    EXPECT_EQ(allowed_swatch, s.theme().allowed);
    // Head 0's first group is causal: (200, 40) and its neighbours are allowed, (40, 200) masked.
    ASSERT_TRUE(analysis->allowed(0, 200, 40));
    ASSERT_FALSE(analysis->allowed(0, 40, 200));
    const auto [xa, ya] = s.cell_centre(0, 200, 40);
    const auto [xm, ym] = s.cell_centre(0, 40, 200);
    EXPECT_LE(color_distance(s.at(xa, ya), allowed_swatch), 3) << "step " << step;
    EXPECT_LE(color_distance(s.at(xm, ym), masked_swatch), 3) << "step " << step;
  }
}

// The compare view's matrices show every variant's weights in one scale: its legend gives that
// scale and names the masked cells, at every step (the mask step included), in both modes.
TEST(HonestColoursPixelsGLTest, TheCompareViewsLegendGivesTheWeightsScaleItsMatricesUse) {
  for (const std::string mode : {"", " --classroom"}) {
    const Screenshot s = screenshot_take("--variant s2 --n 16 --g 4 --heads 2 --step 6 --compare-view --compare s2-fix-mask"
                                         " --size 1280x800" + mode, "compare_legend" + std::to_string(mode.size()));
    ASSERT_EQ(s.exit_code, 0);
    const nlohmann::json* scale = legend_entry(s, "weight 0");
    ASSERT_NE(scale, nullptr) << mode << ": " << s.layout["legend"].dump();
    EXPECT_EQ(legend_entry(s, "score"), nullptr) << "the matrices draw weights, not scores";
    const nlohmann::json* masked = legend_entry(s, masked_cells_label(StepCells::Weights));
    ASSERT_NE(masked, nullptr) << s.layout["legend"].dump();
    EXPECT_EQ(swatch_colour(s, *masked), s.theme().masked);
  }
}

}  // namespace
}  // namespace attnscope::test
