// apply() semantics: undo/redo through the analysis cache, step clamping, invalid scenes,
// stale background results.
#include <gtest/gtest.h>

#include "app/gui/apply.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

TEST(ApplyTest, UndoAndRedoRestoreScenesAndReuseCachedAnalyses) {
  AppState state = state_with(classroom_scene());
  const auto first = state.analysis;
  Scene bigger = state.scene;
  bigger.n = 32;
  apply(state, action::SetScene{bigger});
  EXPECT_EQ(state.analysis->n(), 32);
  apply(state, action::Undo{});
  EXPECT_EQ(state.scene.n, 16);
  EXPECT_EQ(state.analysis, first) << "undo should reuse the cached analysis, not recompute";
  apply(state, action::Redo{});
  EXPECT_EQ(state.analysis->n(), 32);
  apply(state, action::Redo{});  // nothing left to redo
  EXPECT_EQ(state.scene.n, 32);
  EXPECT_EQ(state.history.undo.size(), 1u);
}

TEST(ApplyTest, StepsAreClampedToTheTrace) {
  AppState state = state_with(classroom_scene());
  const int last = static_cast<int>(state.analysis->trace().steps.size()) - 1;
  apply(state, action::StepTo{99});
  EXPECT_EQ(state.play.step, last);
  apply(state, action::StepNext{});
  EXPECT_EQ(state.play.step, last);
  apply(state, action::StepTo{-4});
  EXPECT_EQ(state.play.step, 0);
  apply(state, action::StepPrev{});
  EXPECT_EQ(state.play.step, 0);
  apply(state, action::StepTo{2});
  EXPECT_EQ(state.play.from, 0);
  EXPECT_EQ(state.play.t, 0.f) << "a step change animates from the previous step";
  tick(state, 10.f);
  EXPECT_EQ(state.play.t, 1.f);
}

TEST(ApplyTest, AnInvalidSceneKeepsTheLastGoodAnalysisAndShowsTheCoreMessage) {
  AppState state = state_with(classroom_scene());
  const auto good = state.analysis;
  Scene bad = state.scene;
  bad.n = 15;  // not a multiple of G = 4
  apply(state, action::SetScene{bad});
  EXPECT_EQ(state.analysis, good);
  EXPECT_FALSE(state.error.empty());
  EXPECT_EQ(state.scene.n, 15) << "the user keeps the value they typed, to fix it";
  apply(state, action::Undo{});
  EXPECT_TRUE(state.error.empty());
}

TEST(ApplyTest, StaleBackgroundResultsAreDropped) {
  AppState state = state_with(classroom_scene());
  state.async_min_n = 1;  // every scene goes to the worker
  Scene a = state.scene, b = state.scene;
  a.n = 64;
  b.n = 128;
  apply(state, action::SetScene{a});
  apply(state, action::SetScene{b});
  ASSERT_EQ(state.jobs.size(), 2u);
  std::vector<Action> results = jobs_wait(state);
  ASSERT_EQ(results.size(), 2u);
  // Deliver the newer result first, then the stale one: the stale one must not win.
  apply(state, results[1]);
  apply(state, results[0]);
  ASSERT_TRUE(state.analysis);
  EXPECT_EQ(state.analysis->n(), 128);
  EXPECT_EQ(state.cache.size(), 3u) << "the stale result is still cached for undo";
}

TEST(ApplyTest, PlaybackAdvancesAndStopsAtTheBreakpoint) {
  AppState state = state_with(classroom_scene());
  apply(state, action::SetBreakpoint{"roll"});
  apply(state, action::Play{});
  for (int i = 0; i < 600 && state.play.playing; ++i) tick(state, 1.f / 30.f);
  EXPECT_FALSE(state.play.playing);
  EXPECT_EQ(state.current_step()->name, "roll");
}

TEST(ApplyTest, ZoomKeepsPanInsideTheMatrix) {
  AppState state = state_with(classroom_scene());
  apply(state, action::Zoom{2.f});
  EXPECT_FLOAT_EQ(state.view.zoom, 2.f);
  apply(state, action::Pan{5.f, 5.f});
  EXPECT_FLOAT_EQ(state.view.pan_x, 0.5f);
  apply(state, action::Zoom{100.f});
  EXPECT_FLOAT_EQ(state.view.zoom, 4.f) << "at most 4 cells across for N = 16";
}

}  // namespace
}  // namespace attnscope::test
