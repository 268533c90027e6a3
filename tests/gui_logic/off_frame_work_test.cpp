// What takes a frame long at the paper's scale is found on a worker: the cost panel's table (every
// variant's masks) by a job while the panel shows its progress, and a compared variant's scales and
// step texts with its analysis, so making it the scene's own variant installs it without finding
// them again. Every scene here goes to the worker (async_min_n = 1) to take the large scenes' path.
#include <gtest/gtest.h>

#include "core/presentation/compare.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

void jobs_finish(AppState& state) {
  for (const Action& a : jobs_wait(state)) apply(state, a);
}

// Allowed cells per head of `a`, counted cell by cell.
double allowed_per_head(const Analysis& a) {
  int64_t cells = 0;
  for (int h = 0; h < a.heads(); ++h)
    for (int q = 0; q < a.n(); ++q)
      for (int k = 0; k < a.n(); ++k) cells += a.mask(h).contains(q, k);
  return static_cast<double>(cells) / a.heads();
}

TEST(OffFrameWorkTest, TheCostPanelOfALargeSceneGetsItsTableFromAJob) {
  AppState state = state_with(classroom_scene());
  state.async_min_n = 1;
  ASSERT_TRUE(state.analysis);
  apply(state, action::ToggleCost{});
  ASSERT_TRUE(state.view.cost);
  EXPECT_FALSE(state.lesson && state.lesson->cost) << "not computed between frames";
  ASSERT_TRUE(state.jobs_running(JobKind::Cost));
  apply(state, action::ToggleCost{});
  apply(state, action::ToggleCost{});
  EXPECT_EQ(state.jobs.size(), 1u) << "reopening the panel waits for the same job";
  jobs_finish(state);
  ASSERT_TRUE(state.lesson && state.lesson->cost);
  const CostRow& own = state.lesson->cost->rows.front();
  EXPECT_EQ(own.variant, state.scene.variant);
  EXPECT_DOUBLE_EQ(own.cells_per_head, allowed_per_head(*state.analysis));
  // Kept with the analysis: closing and reopening the panel, or going back to the scene, shows it at once.
  const auto lesson = state.lesson;
  apply(state, action::ToggleCost{});
  apply(state, action::ToggleCost{});
  EXPECT_EQ(state.lesson, lesson);
  Scene other = state.scene;
  other.n = 32;
  apply(state, action::SetScene{other});
  jobs_finish(state);  // the analysis, then its cost
  jobs_finish(state);
  ASSERT_EQ(state.analysis->n(), 32);
  ASSERT_TRUE(state.lesson && state.lesson->cost);
  apply(state, action::Undo{});
  EXPECT_FALSE(state.jobs_running(JobKind::Cost));
  EXPECT_EQ(state.lesson, lesson) << "undo finds the table it had";
}

TEST(OffFrameWorkTest, ACancelledCostJobSaysSoAndTheNextOpeningStartsAnother) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  state.async_min_n = 1;
  apply(state, action::ToggleCost{});
  apply(state, action::CancelJobs{});
  std::vector<Action> results = jobs_wait(state);
  ASSERT_EQ(results.size(), 1u);
  auto* ready = std::get_if<action::CostReady>(&results.front());
  ASSERT_TRUE(ready);
  if (ready->lesson) GTEST_SKIP() << "the job ended before the cancel reached it";
  apply(state, *ready);
  EXPECT_EQ(state.cost_error, "cancelled");
  gui.frame(state);  // the panel says why instead of a table
  apply(state, action::ToggleCost{});
  apply(state, action::ToggleCost{});
  EXPECT_TRUE(state.jobs_running(JobKind::Cost));
  EXPECT_EQ(state.cost_error, "");
  jobs_finish(state);
  EXPECT_TRUE(state.lesson && state.lesson->cost);
}

TEST(OffFrameWorkTest, ACompareVariantsTextsComeWithItsAnalysis) {
  AppState state = state_with(classroom_scene());
  state.async_min_n = 1;
  apply(state, action::SetCompare{true, {state.scene.variant, "s2-fix-mask"}});
  const Scene b = compare_scene(state.scene, "s2-fix-mask");
  std::shared_ptr<const AnalysisDerived> found;
  for (const Action& a : jobs_wait(state)) {
    if (const auto* ready = std::get_if<action::AnalysisReady>(&a); ready && ready->scene_hash == scene_hash(b))
      found = ready->derived;
    apply(state, a);
  }
  ASSERT_TRUE(found) << "the worker found B's scales and texts with its analysis";
  apply(state, action::SetScene{b});
  ASSERT_TRUE(state.analysis);
  EXPECT_EQ(state.analysis->scene.variant, "s2-fix-mask") << "installed from the cache, no job";
  EXPECT_TRUE(state.jobs.empty());
  EXPECT_EQ(state.lesson, found->lesson) << "installed with what the worker found, not found again";
  ASSERT_EQ(state.step_texts.size(), state.analysis->trace().steps.size());
  for (size_t i = 0; i < state.step_texts.size(); ++i)
    EXPECT_EQ(state.step_texts[i].caption, step_text(*state.analysis, static_cast<int>(i)).caption);
}

}  // namespace
}  // namespace attnscope::test
