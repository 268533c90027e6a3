// A heatmap shows a step's own quantity or says it cannot: with only the structure analysed (the
// values did not fit the memory budget), the score steps and an uncomputed weights step draw the
// allowed cells in the allowed grey, and the legend names that grey and no value scale. The
// expectation is written from the rule itself: values exist only where the analysis holds them.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/presentation/step_scores.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

bool legend_has(const ScreenReport& report, const std::string& prefix) {
  return std::any_of(report.legend.begin(), report.legend.end(),
                     [&](const ScreenReport::LegendEntry& e) { return e.text.rfind(prefix, 0) == 0; });
}

AppState structure_only_state(const Scene& scene) {
  AppState state = state_with(scene);
  AnalyzeOptions structure;
  structure.values = false;
  apply(state, action::AnalysisReady{state.generation, scene_hash(state.scene), analyze(scene, structure), "", ""});
  return state;
}

TEST(HonestColours, EveryStepOfAStructureOnlyAnalysisDrawsWhatItsLegendNames) {
  AppState state = structure_only_state(classroom_scene());
  ASSERT_FALSE(state.analysis->has_values());
  GuiHarness gui;
  const int steps = static_cast<int>(state.analysis->trace().steps.size());
  for (int step = 0; step < steps; ++step) {
    apply(state, action::StepTo{step, false});
    const StepCells cells = step_cells(*state.analysis, step);
    gui.frame(state);
    if (cells == StepCells::Pattern) continue;  // nothing computed yet: the outlined pattern
    ASSERT_FALSE(gui.painter.heatmaps.empty()) << "step " << step;
    // The weights step of a small N is computed by a job; until it lands, the allowed cells.
    for (const auto& call : gui.painter.heatmaps)
      EXPECT_EQ(call.drawn, CellsDrawn::Allowed) << "step " << step << " head " << call.head;
    EXPECT_TRUE(legend_has(gui.report, allowed_cells_label(cells))) << "step " << step;
    EXPECT_FALSE(legend_has(gui.report, "score")) << "step " << step;
    EXPECT_FALSE(legend_has(gui.report, "weight 0")) << "step " << step;
  }
}

TEST(HonestColours, AnAnalysisWithValuesDrawsThemOnTheirScale) {
  AppState state = state_with(classroom_scene());
  ASSERT_TRUE(state.analysis->has_values());
  GuiHarness gui;
  for (int step = 0; step < static_cast<int>(state.analysis->trace().steps.size()); ++step) {
    apply(state, action::StepTo{step, false});
    const StepCells cells = step_cells(*state.analysis, step);
    gui.frame(state);
    if (cells == StepCells::Pattern) continue;
    const CellsDrawn expected = cells == StepCells::Weights ? CellsDrawn::Weights : CellsDrawn::Scores;
    for (const auto& call : gui.painter.heatmaps) EXPECT_EQ(call.drawn, expected) << "step " << step;
    EXPECT_TRUE(legend_has(gui.report, cells == StepCells::Weights ? "weight 0" : "score")) << "step " << step;
    EXPECT_FALSE(legend_has(gui.report, "allowed (")) << "step " << step;
  }
}

}  // namespace
}  // namespace attnscope::test
