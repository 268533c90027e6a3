// Zooming into an analysis that holds no attention values: the heatmap asks for the weights on
// screen, a job computes them with the core's values_window, and only the current analysis's
// arrive.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/gui/apply.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

// Values for every cell of two heads at N = 65536 are far past the default budget, so the view
// opens on the structure alone.
int zoom_jobs(const AppState& state) {
  return static_cast<int>(std::count_if(state.jobs.begin(), state.jobs.end(),
                                        [](const Job& job) { return job.kind == JobKind::ZoomWeights; }));
}

AppState long_state() {
  Scene scene = classroom_scene();
  scene.n = 65536;
  scene.g = 16384;
  scene.heads = 2;
  AppState state = state_with(scene);
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_TRUE(state.analysis);
  EXPECT_FALSE(state.analysis->has_values());
  return state;
}

TEST(ZoomWeightsTest, AZoomedViewAsksForTheWeightsOnScreenAndAWorkerComputesThem) {
  AppState state = long_state();
  apply(state, action::StepLast{});  // the weights exist from softmax on
  GuiHarness gui;
  EXPECT_EQ(gui.frame(state).find<action::ComputeZoomWeights>(), nullptr) << "the whole matrix asks for nothing";

  apply(state, action::ZoomTo{8200, 8190, 48});
  const ActionQueue queue = gui.frame(state);
  const auto* asked = queue.find<action::ComputeZoomWeights>();
  ASSERT_NE(asked, nullptr);
  // The window covers what is on screen around (8200, 8190), rounded out to blocks of 32.
  EXPECT_LE(asked->window.row_begin, 8200 - 24);
  EXPECT_GE(asked->window.row_end, 8200 + 24);
  EXPECT_EQ(asked->window.row_begin % 32, 0);
  EXPECT_LE(asked->window.row_end - asked->window.row_begin, 128 + 64);
  for (const Action& a : queue.actions) apply(state, a);
  ASSERT_EQ(zoom_jobs(state), 2);  // one per head
  // Beside the heatmaps' images and the token grid's bands.
  const auto zoom_job =
      std::find_if(state.jobs.begin(), state.jobs.end(), [](const Job& j) { return j.kind == JobKind::ZoomWeights; });
  EXPECT_EQ(zoom_job->what, "weights on screen, head 0");
  EXPECT_EQ(gui.frame(state).find<action::ComputeZoomWeights>(), nullptr) << "pending: asked once";
  for (const Action& a : jobs_wait(state)) apply(state, a);
  const ZoomWeights* stored = state.zoom_weights_covering(asked->window);
  ASSERT_NE(stored, nullptr);
  const ValuesWindow expected = values_window(*state.analysis, 0, asked->window.head, asked->window.row_begin,
                                              asked->window.row_end, asked->window.key_begin, asked->window.key_end);
  EXPECT_EQ(stored->values->weights, expected.weights);
  // Row 8192 of the shifted head starts a group: it reads only itself.
  if (asked->window.head == 1) EXPECT_EQ(stored->values->weight(8192, 8192), 1.f);
  // Drawn now, nothing more is asked for.
  EXPECT_EQ(gui.frame(state).find<action::ComputeZoomWeights>(), nullptr);
}

TEST(ZoomWeightsTest, WeightsOfAReplacedAnalysisAreDropped) {
  AppState state = long_state();
  const ZoomWindow window{1, 8160, 8224, 8160, 8224};
  apply(state, action::ComputeZoomWeights{window});
  std::vector<Action> ready = jobs_wait(state);
  ASSERT_EQ(ready.size(), 1u);
  Scene other = state.scene;
  other.seed = 5;
  apply(state, action::SetScene{other});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  apply(state, ready.front());
  EXPECT_EQ(state.zoom_weights_covering(window), nullptr);
}

TEST(ZoomWeightsTest, AnAnalysisWithValuesComputesNothingMore) {
  AppState state = state_with(classroom_scene());
  ASSERT_TRUE(state.analysis->has_values());
  apply(state, action::ComputeZoomWeights{{0, 0, 8, 0, 8}});
  EXPECT_EQ(zoom_jobs(state), 0);
}

}  // namespace
}  // namespace attnscope::test
