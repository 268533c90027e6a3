// The GUI's background work as jobs: exports, zoomed weights and a heatmap's computed weights are
// started by actions, listed in state.jobs with what they do and how far they are, hand their
// results back as actions, and stop on Esc (CancelJobs).
#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "app/gui/heatmap_image.hpp"
#include "app/gui/token_bands.hpp"
#include "core/figure/figure.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

using Clock = std::chrono::steady_clock;
using Call = RecordingPainter::Call;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Until `done` holds, or `limit` seconds have passed.
template <class Done>
bool wait_until(Done done, double limit = 30.0) {
  const auto start = Clock::now();
  while (!done()) {
    if (seconds_since(start) > limit) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

bool finished(const Job& job) { return job.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }

// A figure that takes seconds to draw: every weight of four heads at N = 8192.
AppState large_state() {
  Scene scene = classroom_scene();
  scene.n = 8192;
  scene.g = 2048;
  scene.heads = 4;
  AppState state = state_with(scene);
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_TRUE(state.analysis && state.analysis->has_values());
  apply(state, action::StepLast{});
  return state;
}

std::string last_step_file(const AppState& state) {
  const Step* step = state.current_step();
  return fmt::format("attnscope-heatmap-s2-n8192-step{}-{}.png", state.play.step, step->name);
}

// An analysis that holds no values (as the GUI opens one past its memory budget), installed as the
// current one.
AppState structure_state(const Scene& scene) {
  AppState state;
  state.scene = scene;
  AnalyzeOptions structure;
  structure.values = false;
  apply(state, action::AnalysisReady{state.generation, scene_hash(scene), analyze(scene, structure), "", ""});
  EXPECT_TRUE(state.analysis && !state.analysis->has_values());
  apply(state, action::StepLast{});  // the weights exist from softmax on
  return state;
}

TEST(JobsTest, EscCancelsARunningExportAndNothingIsWritten) {
  AppState state = large_state();
  TempDir folder;
  apply(state, action::SetExportFolder{folder.path.string()});
  apply(state, action::Export{});
  ASSERT_EQ(state.jobs.size(), 1u);
  const Job& job = state.jobs[0];
  ASSERT_EQ(job.kind, JobKind::Export);
  EXPECT_EQ(job.what, "exporting " + last_step_file(state));
  ASSERT_TRUE(wait_until([&] { return job.control->done > 0.f || finished(job); }));
  ASSERT_FALSE(finished(job)) << "the export ended before Esc could stop it";

  GuiHarness gui;
  ActionQueue queue = gui.frame(state, {}, {KeyPress{GLFW_KEY_ESCAPE}});
  ASSERT_NE(queue.find<action::CancelJobs>(), nullptr) << "Esc cancels while a job runs";
  apply_all(state, queue);
  const auto cancelled = Clock::now();
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_LT(seconds_since(cancelled), 2.0) << "the export stops at its next progress report";
  EXPECT_TRUE(state.jobs.empty());
  ASSERT_TRUE(state.toast);
  EXPECT_EQ(state.toast->text, "Export cancelled; " + last_step_file(state) + " was not written.");
  EXPECT_FALSE(state.toast->error) << "the user asked for it";
  for (const auto& entry : std::filesystem::directory_iterator(folder.path))
    ADD_FAILURE() << "left in the export folder: " << entry.path();  // neither the file nor a temporary
}

TEST(JobsTest, AnExportIsAJobWithItsFileAndProgressInTheBar) {
  AppState state = large_state();
  TempDir folder;
  apply(state, action::SetExportFolder{folder.path.string()});
  apply(state, action::Export{});
  ASSERT_EQ(state.jobs.size(), 1u);
  const std::string what = "exporting " + last_step_file(state);
  EXPECT_EQ(state.jobs[0].what, what);
  ASSERT_TRUE(wait_until([&] { return state.jobs[0].control->done > 0.f || finished(state.jobs[0]); }));
  ASSERT_FALSE(finished(state.jobs[0])) << "too quick to see its progress";

  GuiHarness gui;
  gui.frame(state);
  ASSERT_EQ(gui.report.job_bars.size(), 1u) << "the scene panel shows the export's bar";
  EXPECT_EQ(gui.report.job_bars[0].what, what);
  EXPECT_GT(gui.report.job_bars[0].done, 0.f);
  EXPECT_LT(gui.report.job_bars[0].done, 1.f);

  for (const Action& a : jobs_wait(state)) apply(state, a);
  const std::string path = (folder.path / last_step_file(state)).string();
  ASSERT_TRUE(state.toast);
  EXPECT_EQ(state.toast->text, "Exported " + path);
  EXPECT_EQ(figure_read_source(path).scene, state.scene) << "the file carries the scene on screen";
  gui.frame(state);
  EXPECT_TRUE(gui.report.job_bars.empty());
}

// The job's image is the one heatmap_image_build makes for the same head, coordinates and scale;
// the painter gets it, nothing is asked twice, and it goes when its analysis is replaced.
TEST(JobsTest, HeatmapWeightsAreAJobWhoseImageThePainterGets) {
  Scene scene = classroom_scene();
  scene.n = 192;  // more tokens than a zoomed view computes weights for (128), so only the heatmaps ask
  scene.g = 64;
  AppState state = structure_state(scene);
  const auto analysis = state.analysis;
  GuiHarness gui;
  ActionQueue queue = gui.frame(state);
  int asked = 0;
  for (const Action& a : queue.actions) asked += std::holds_alternative<action::ComputeHeatmapWeights>(a);
  EXPECT_EQ(asked, 2) << "one per head";
  for (const Call& call : gui.painter.heatmaps) EXPECT_EQ(call.weights, nullptr) << "the allowed cells meanwhile";
  apply_all(state, queue);
  ASSERT_EQ(state.jobs.size(), 2u);
  EXPECT_EQ(state.jobs[0].kind, JobKind::HeatmapWeights);
  EXPECT_EQ(state.jobs[0].what, "weights of head 0");
  EXPECT_EQ(state.jobs[1].what, "weights of head 1");
  EXPECT_EQ(gui.frame(state).find<action::ComputeHeatmapWeights>(), nullptr) << "pending: asked once";

  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_EQ(state.heatmap_weights.size(), 2u);
  for (int head = 0; head < 2; ++head) {
    const HeatmapWeightsKey key{head, Coords::Original, state.weight_scale.vmax};
    const HeatmapWeights* stored = state.heatmap_weights_of(analysis.get(), key);
    ASSERT_TRUE(stored && stored->image) << head;
    const HeatmapImage expected = heatmap_image_build(*analysis, head, Coords::Original, key.vmax);
    EXPECT_EQ(stored->image->size, expected.size);
    EXPECT_EQ(stored->image->texels, expected.texels) << "head " << head;
  }
  EXPECT_EQ(gui.frame(state).find<action::ComputeHeatmapWeights>(), nullptr);
  ASSERT_EQ(gui.painter.heatmaps.size(), 2u);
  for (const Call& call : gui.painter.heatmaps) {
    const HeatmapWeightsKey key{call.head, Coords::Original, state.weight_scale.vmax};
    EXPECT_EQ(call.weights, state.heatmap_weights_of(analysis.get(), key)->image) << "head " << call.head;
  }

  // A result that arrives after its analysis was replaced is dropped, as are the stored ones.
  apply(state, action::ComputeHeatmapWeights{analysis, {0, Coords::Frame, state.weight_scale.vmax}});
  ASSERT_EQ(state.jobs.size(), 1u);
  const std::vector<Action> late = jobs_wait(state);
  Scene other = scene;
  other.seed = 5;
  apply(state, action::SetScene{other});
  ASSERT_NE(state.analysis, analysis);
  EXPECT_TRUE(state.heatmap_weights.empty());
  for (const Action& a : late) apply(state, a);
  EXPECT_TRUE(state.heatmap_weights.empty());
}

// A large analysis's heatmaps never build their images in the frame: each head asks once for a
// job, the matrix shows its progress meanwhile (the painter has nothing to draw), and the image
// the job hands back is the one heatmap_image_build makes for that head, step and scale.
TEST(JobsTest, LargeHeatmapImagesAreBuiltByJobsWhileTheMatricesShowProgress) {
  Scene scene = classroom_scene();
  scene.n = 2048;  // above kHeatmapImageInFrameMaxN
  scene.g = 512;
  AppState state = structure_state(scene);
  const auto analysis = state.analysis;
  ASSERT_FALSE(heatmap_image_in_frame(*analysis));
  apply(state, action::StepTo{analysis->trace().find("mask"), false});
  GuiHarness gui;
  ActionQueue queue = gui.frame(state);
  int asked = 0;
  for (const Action& a : queue.actions) asked += std::holds_alternative<action::ComputeHeatmapImage>(a);
  EXPECT_EQ(asked, 2) << "one per head";
  ASSERT_EQ(gui.report.heatmaps.size(), 2u);
  for (const auto& h : gui.report.heatmaps) EXPECT_TRUE(h.building) << "head " << h.head << ": its progress, not cells";
  for (const Call& call : gui.painter.heatmaps) EXPECT_EQ(call.image, nullptr);
  apply_all(state, queue);
  ASSERT_EQ(state.jobs.size(), 2u);
  EXPECT_EQ(state.jobs[0].kind, JobKind::HeatmapImage);
  EXPECT_EQ(state.jobs[0].what, "image of head 0");
  EXPECT_EQ(gui.frame(state).find<action::ComputeHeatmapImage>(), nullptr) << "pending: asked once";
  for (const auto& h : gui.report.heatmaps) EXPECT_TRUE(h.building);

  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_EQ(state.heatmap_images.size(), 2u);
  EXPECT_EQ(gui.frame(state).find<action::ComputeHeatmapImage>(), nullptr);
  ASSERT_EQ(gui.painter.heatmaps.size(), 2u);
  for (const Call& call : gui.painter.heatmaps) {
    ASSERT_NE(call.image, nullptr) << "head " << call.head;
    const HeatmapImage expected = heatmap_image_build(*analysis, call.head, Coords::Original, state.weight_scale.vmax,
                                                      kMaxHeatmapTexels, StepCells::MaskedScores, state.score_scale, false);
    EXPECT_EQ(call.image->texels, expected.texels) << "head " << call.head;
  }
  for (const auto& h : gui.report.heatmaps) EXPECT_FALSE(h.building);

  // Another analysis drops them.
  Scene other = scene;
  other.seed = 5;
  apply(state, action::SetScene{other});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_TRUE(state.heatmap_images.empty());
}

// The compare view of a large scene gets its A-vs-B overlay and the legend's counts from a job,
// asked for once, with the progress in the overlay's place meanwhile: no frame builds it.
TEST(JobsTest, TheLargeCompareOverlayIsBuiltByAJobWithItsCounts) {
  Scene scene = classroom_scene();
  scene.n = 2048;  // above kHeatmapImageInFrameMaxN
  scene.g = 512;
  AppState state = state_with(scene);
  apply(state, action::SetCompare{true, {"s2", "s2-fix-mask"}});
  apply(state, action::SetCompareHead{1});  // the shifted head: the variants differ there
  for (const Action& a : jobs_wait(state)) apply(state, a);
  const auto a = state.analysis;
  const auto b = state.cache.peek(scene_hash(compare_scene(state.scene, "s2-fix-mask")));
  ASSERT_TRUE(a && b);
  ASSERT_FALSE(heatmap_image_in_frame(*a));

  GuiHarness gui;
  ActionQueue queue = gui.frame(state);
  int asked = 0;
  for (const Action& action : queue.actions) asked += std::holds_alternative<action::ComputeDiffImage>(action);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(gui.painter.diffs, 1);
  EXPECT_EQ(gui.painter.diff_overlay, nullptr) << "the progress, not cells built in the frame";
  apply_all(state, queue);  // the matrices' images are jobs too
  const auto diff_job = [&] {
    return std::find_if(state.jobs.begin(), state.jobs.end(), [](const Job& job) { return job.kind == JobKind::DiffImage; });
  };
  ASSERT_NE(diff_job(), state.jobs.end());
  EXPECT_EQ(diff_job()->what, "s2 vs s2-fix-mask, head 1");
  EXPECT_EQ(gui.frame(state).find<action::ComputeDiffImage>(), nullptr) << "pending: asked once";

  for (const Action& action : jobs_wait(state)) apply(state, action);
  ASSERT_EQ(state.diff_images.size(), 1u);
  EXPECT_EQ(gui.frame(state).find<action::ComputeDiffImage>(), nullptr);
  const auto overlay = gui.painter.diff_overlay;
  ASSERT_NE(overlay, nullptr);
  // The counts by plain loops over both masks.
  DiffCounts expected;
  for (int q = 0; q < scene.n; ++q)
    for (int k = 0; k < scene.n; ++k) {
      const bool in_a = a->allowed(1, q, k), in_b = b->allowed(1, q, k);
      expected.a_only += in_a && !in_b;
      expected.b_only += in_b && !in_a;
      expected.both += in_a && in_b;
    }
  EXPECT_GT(expected.a_only + expected.b_only, 0) << "a scene whose variants differ";
  EXPECT_EQ(overlay->counts.a_only, expected.a_only);
  EXPECT_EQ(overlay->counts.b_only, expected.b_only);
  EXPECT_EQ(overlay->counts.both, expected.both);
  // The image the frame would have built.
  const RgbaImage image = diff_overlay_build(a->mask(1), b->mask(1), diff_color(DiffOp::AMinusB),
                                             diff_color(DiffOp::BMinusA), diff_color(DiffOp::Both),
                                             theme_get(state.view.theme()).masked);
  EXPECT_EQ(overlay->image.rgba, image.rgba);

  // Leaving the compare view drops it.
  apply(state, action::SetCompare{false, state.view.compare_variants});
  EXPECT_TRUE(state.diff_images.empty());
}

// The token grid of a large scene draws bands; a step's bands are found once by a job, not per
// frame, and are those step_token_bands finds.
TEST(JobsTest, LargeTokenGridBandsAreFoundOnceByAJob) {
  Scene scene = classroom_scene();
  scene.n = 8192;
  scene.g = 2048;
  scene.heads = 32;
  AppState state = structure_state(scene);
  apply(state, action::StepTo{0, false});
  ASSERT_FALSE(token_bands_in_frame(state.analysis->trace().steps[0]));
  GuiHarness gui;
  ActionQueue queue = gui.frame(state);
  const auto* asked = queue.find<action::ComputeTokenBands>();
  ASSERT_NE(asked, nullptr);
  EXPECT_EQ(asked->step, 0);
  apply_all(state, queue);
  ASSERT_TRUE(state.token_bands_job(0));
  EXPECT_EQ(gui.frame(state).find<action::ComputeTokenBands>(), nullptr) << "pending: asked once";
  for (const Action& a : jobs_wait(state)) apply(state, a);
  const StepBandsOf* stored = state.token_bands_of(0);
  ASSERT_TRUE(stored && stored->bands);
  const Step& step = state.analysis->trace().steps[0];
  ASSERT_EQ(stored->bands->size(), 32u);
  for (int h = 0; h < 32; h += 7) {
    const std::vector<TokenBand> expected = token_bands(*state.analysis, step, h);
    ASSERT_EQ((*stored->bands)[h].size(), expected.size()) << "head " << h;
    for (size_t b = 0; b < expected.size(); ++b) EXPECT_EQ((*stored->bands)[h][b].row_end, expected[b].row_end);
  }
  EXPECT_EQ(gui.frame(state).find<action::ComputeTokenBands>(), nullptr);
}

// Esc stops the weights a zoomed view or a heatmap asked for: their jobs end at their next row,
// say so, and the views do not ask for the same weights again.
TEST(JobsTest, CancelStopsZoomAndHeatmapWeightJobs) {
  Scene scene = classroom_scene();
  scene.n = 8192;
  scene.g = 2048;
  scene.heads = 2;
  scene.d = 64;  // each job's rows take about a second
  AppState state = structure_state(scene);
  const HeatmapWeightsKey key{1, Coords::Original, state.weight_scale.vmax};
  const ZoomWindow window{1, 0, 8192, 0, 64};  // every row's softmax runs over all of its keys
  apply(state, action::ComputeHeatmapWeights{state.analysis, key});
  apply(state, action::ComputeZoomWeights{window});
  ASSERT_EQ(state.jobs.size(), 2u);
  EXPECT_EQ(state.jobs[1].what, "weights on screen, head 1");
  // Both are under way (their rows report progress) when Esc comes.
  ASSERT_TRUE(wait_until([&] { return state.jobs[0].control->done > 0.f && state.jobs[1].control->done > 0.f; }));
  ASSERT_FALSE(finished(state.jobs[0]) || finished(state.jobs[1])) << "too quick to be cancelled midway";
  apply(state, action::CancelJobs{});
  const auto cancelled = Clock::now();
  const std::vector<Action> results = jobs_wait(state);
  EXPECT_LT(seconds_since(cancelled), 2.0);
  ASSERT_EQ(results.size(), 2u);
  const auto* heatmap = std::get_if<action::HeatmapWeightsReady>(&results[0]);
  const auto* zoom = std::get_if<action::ZoomWeightsReady>(&results[1]);
  ASSERT_TRUE(heatmap && zoom);
  EXPECT_EQ(heatmap->image, nullptr);
  EXPECT_EQ(heatmap->error, "cancelled");
  EXPECT_EQ(zoom->values, nullptr);
  EXPECT_EQ(zoom->error, "cancelled");
  for (const Action& a : results) apply(state, a);

  // Remembered as cancelled: asking again starts nothing, and the heatmap draws the allowed cells.
  apply(state, action::ComputeHeatmapWeights{state.analysis, key});
  apply(state, action::ComputeZoomWeights{window});
  EXPECT_TRUE(state.jobs.empty());
  GuiHarness gui;
  const ActionQueue queue = gui.frame(state);
  bool asked_for_head_1 = false;
  for (const Action& a : queue.actions)
    if (const auto* ask = std::get_if<action::ComputeHeatmapWeights>(&a)) asked_for_head_1 |= ask->key == key;
  EXPECT_FALSE(asked_for_head_1);
  for (const Call& call : gui.painter.heatmaps)
    if (call.head == 1) EXPECT_EQ(call.weights, nullptr);
  for (const Action& a : queue.actions) apply(state, a);  // head 0 asks for its weights: a new job
  apply(state, action::CancelJobs{});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  EXPECT_TRUE(state.jobs.empty());
}

}  // namespace
}  // namespace attnscope::test
