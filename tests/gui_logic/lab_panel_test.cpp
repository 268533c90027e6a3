// The Lab panel's logic: a training starts as a job, its curve points reach the state while it
// runs, a cancel leaves no result and no model file (at exit too), refused settings say the command
// line's sentence, a routed variant and a stack train, and "Open the learned attention" makes the chosen layer's q, k, v the scene's. The
// trainer is a stand-in that behaves as the real one does at its interface (the real one is
// exercised by the screenshot test and the command line's tests).
#include <gtest/gtest.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "core/scene/qkv_file.hpp"
#include "core/scene/stack.hpp"
#include "core/tensors/qkv_tensors.hpp"
#include "core/tensors/safetensors_writer.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

namespace fs = std::filesystem;

constexpr int kLayers = 2;

// Layer l's q, k, v hold 100·l + 10·part + position: which layer a scene reads is visible in
// its numbers.
void model_write(const std::string& path, const Scene& scene) {
  std::vector<SafetensorsEntry> entries;
  const int n = scene.n, h = scene.heads, d = 4;
  for (int l = 0; l < kLayers; ++l)
    for (int part = 0; part < 3; ++part) {
      std::vector<float> data(static_cast<size_t>(n) * h * d);
      for (int p = 0; p < n; ++p)
        for (int i = 0; i < h * d; ++i) data[static_cast<size_t>(p) * h * d + i] = 100.f * l + 10.f * part + p;
      entries.push_back({fmt::format("layers.{}.{}", l, "qkv"[part]), {1, n, h, d}, data});
    }
  safetensors_write(path, entries, {{"format", "attnscope lab model"}});
}

LabResult result_for(const Scene& scene, const LabSettings& settings, const std::vector<LabCurvePoint>& curves) {
  LabResult r;
  r.variant = scene.variant;
  r.task = settings.task;
  r.n = scene.n;
  r.heads = scene.heads;
  r.vocab = settings.vocab;
  r.layers = kLayers;
  r.steps = settings.steps;
  r.seconds = 1;
  r.train_loss_per_position.assign(scene.n - 1, 0.5);
  r.eval_full_causal_loss_per_position.assign(scene.n - 1, 6.0);
  r.reachable_target_positions = {0, 1};
  r.curves = curves;
  return r;
}

// Reports each step, sends a point at steps 1 and 2, then waits for `release` (if any) before
// finishing, writing the model only at the end as the real trainer does.
LabTrainer trainer_with(std::shared_future<void> release = {}) {
  return [release](const Scene& scene, const LabSettings& settings, const std::string& path,
                   const LabProgress& progress) {
    std::vector<LabCurvePoint> curves;
    for (int step = 1; step <= settings.steps; ++step) {
      progress.fraction(static_cast<double>(step) / (settings.steps + 1));
      if (step <= 2) {
        curves.push_back({step, 2.7 - step, 2.77});
        progress.point(curves.back());
      }
      if (step == 2 && release.valid()) release.wait();
    }
    progress.fraction(1.0);
    if (!path.empty()) model_write(path, scene);
    return result_for(scene, settings, curves);
  };
}

// Ticks until the running training's first two points have reached the state.
void wait_for_points(AppState& state) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (state.lab.points.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    tick(state, 0.016f);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

AppState lab_state() {
  AppState state = state_with(test_scene({.variant = "s2", .n = 8, .heads = 2, .g = 8}));
  LabSettings settings;
  settings.steps = 5;
  apply(state, action::SetLabSettings{settings});
  return state;
}

void finish(AppState& state) {
  for (const Action& a : jobs_wait(state)) apply(state, a);
}

TEST(LabPanelTest, TrainRunsOnAWorkerAndKeepsTheResultAndItsModel) {
  AppState state = lab_state();
  state.lab_trainer = trainer_with();
  apply(state, action::LabTrain{});
  ASSERT_TRUE(state.jobs_running(JobKind::Lab));
  EXPECT_FALSE(state.lab.result) << "nothing before the worker is done";
  finish(state);
  ASSERT_TRUE(state.lab.result);
  EXPECT_EQ(state.lab.result->steps, 5);
  EXPECT_EQ(state.lab.points.size(), 2u) << "the curves are the result's";
  EXPECT_TRUE(state.lab.error.empty()) << state.lab.error;
  EXPECT_TRUE(fs::exists(state.lab.model_path));
  EXPECT_EQ(state.lab.trained.variant, "s2");
}

TEST(LabPanelTest, CurvePointsArriveWhileTheTrainingRuns) {
  AppState state = lab_state();
  std::promise<void> release;
  state.lab_trainer = trainer_with(release.get_future().share());
  apply(state, action::LabTrain{});
  wait_for_points(state);
  ASSERT_EQ(state.lab.points.size(), 2u);
  EXPECT_EQ(state.lab.points[1].step, 2);
  EXPECT_DOUBLE_EQ(state.lab.points[1].train_loss, 0.7);
  EXPECT_TRUE(state.jobs_running(JobKind::Lab)) << "the points came before the end";
  EXPECT_FALSE(state.lab.result);
  release.set_value();
  finish(state);
  EXPECT_TRUE(state.lab.result);
}

TEST(LabPanelTest, CancelLeavesNoResultAndNoModelFile) {
  AppState state = lab_state();
  LabSettings settings = state.lab.settings;
  settings.steps = 1000000;  // long enough to be cancelled midway
  apply(state, action::SetLabSettings{settings});
  std::promise<void> release;
  state.lab_trainer = trainer_with(release.get_future().share());
  apply(state, action::LabTrain{});
  wait_for_points(state);
  ASSERT_EQ(state.lab.points.size(), 2u);
  apply(state, action::CancelJobs{});
  release.set_value();
  finish(state);
  EXPECT_FALSE(state.lab.result);
  EXPECT_TRUE(state.lab.model_path.empty());
  EXPECT_NE(state.lab.error.find("cancelled"), std::string::npos) << state.lab.error;
  EXPECT_TRUE(state.lab.points.empty()) << "a cancelled training's curves are not kept";
  const fs::path unwritten = fs::temp_directory_path() / fmt::format("attnscope-lab-{}-{}.safetensors", getpid(), state.lab.run);
  EXPECT_FALSE(fs::exists(unwritten));
}

TEST(LabPanelTest, EscCancelsTheTraining) {
  AppState state = lab_state();
  std::promise<void> release;
  state.lab_trainer = trainer_with(release.get_future().share());
  apply(state, action::LabTrain{});
  GuiHarness gui;
  const ActionQueue queue = gui.frame(state, {}, {KeyPress{GLFW_KEY_ESCAPE}});
  ASSERT_TRUE(queue.find<action::CancelJobs>()) << "Esc stops the running training as it stops every job";
  apply(state, *queue.find<action::CancelJobs>());
  release.set_value();
  finish(state);
  EXPECT_FALSE(state.lab.result);
}

TEST(LabPanelTest, RefusedSettingsSayTheCommandLinesSentenceWithoutAJob) {
  AppState state = lab_state();
  LabSettings settings = state.lab.settings;
  settings.d_model = 63;
  apply(state, action::SetLabSettings{settings});
  bool called = false;
  state.lab_trainer = [&called](const Scene&, const LabSettings&, const std::string&, const LabProgress&) {
    called = true;
    return LabResult{};
  };
  apply(state, action::LabTrain{});
  EXPECT_FALSE(state.jobs_running(JobKind::Lab));
  EXPECT_FALSE(called);
  EXPECT_EQ(state.lab.error, "d-model: 63 is not a positive multiple of the 2 heads (--heads); try --d-model 62");
}

// A data-dependent variant trains like any other: the trainer re-selects its masks per sequence.
TEST(LabPanelTest, ARoutedVariantTrains) {
  AppState state = state_with(test_scene({.variant = "moba", .n = 16, .heads = 2, .params = {{"block", "4"}, {"topk", "2"}}}));
  LabSettings settings;
  settings.steps = 5;
  apply(state, action::SetLabSettings{settings});
  state.lab_trainer = trainer_with();
  apply(state, action::LabTrain{});
  EXPECT_TRUE(state.lab.error.empty()) << state.lab.error;
  ASSERT_TRUE(state.jobs_running(JobKind::Lab));
  finish(state);
  ASSERT_TRUE(state.lab.result);
  EXPECT_EQ(state.lab.result->variant, "moba");
  EXPECT_EQ(state.lab.trained.variant, "moba");
}

// A stack trains one model layer per stack layer, as the command line does without --layers.
TEST(LabPanelTest, AStackTrainsOneModelLayerPerStackLayer) {
  Scene scene = test_scene({.variant = "s2", .n = 8, .heads = 2, .g = 8});
  scene.stack = stack_to_json(stack_parse("s2,full,moba")).dump();
  AppState state = state_with(scene);
  LabSettings settings;
  settings.steps = 2;
  settings.layers = 2;
  apply(state, action::SetLabSettings{settings});
  int layers = 0;
  state.lab_trainer = [&layers](const Scene& trained, const LabSettings& s, const std::string&, const LabProgress&) {
    layers = s.layers;
    return result_for(trained, s, {});
  };
  apply(state, action::LabTrain{});
  finish(state);
  EXPECT_TRUE(state.lab.error.empty()) << state.lab.error;
  EXPECT_EQ(layers, 3);
}

// Exit while a training runs: it is cancelled and waited for, and a model it wrote anyway (it
// finished before it looked at the cancel again) is removed.
TEST(LabPanelTest, ExitStopsARunningTrainingAndLeavesNoModelFile) {
  AppState state = lab_state();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> saw_cancel{false};
  auto started = std::make_shared<std::promise<void>>();
  std::future<void> running = started->get_future();
  state.lab_trainer = [released, started, &saw_cancel](const Scene& scene, const LabSettings& settings, const std::string& path,
                                              const LabProgress& progress) {
    started->set_value();
    released.wait();
    try {
      progress.fraction(0.5);
    } catch (const AnalysisCancelled&) {
      saw_cancel = true;
    }
    model_write(path, scene);
    return result_for(scene, settings, {});
  };
  apply(state, action::LabTrain{});
  ASSERT_EQ(state.jobs.size(), 1u) << state.lab.error;
  running.wait();  // exit comes while the trainer runs
  const fs::path model = fs::temp_directory_path() / fmt::format("attnscope-lab-{}-{}.safetensors", getpid(), state.lab.run);
  std::thread releaser([&release] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    release.set_value();
  });
  jobs_stop(state);
  releaser.join();
  EXPECT_TRUE(saw_cancel) << "exit cancels the training";
  EXPECT_TRUE(state.jobs.empty());
  EXPECT_FALSE(fs::exists(model)) << "the model written after the cancel is removed";
}

TEST(LabPanelTest, OpeningTheLearnedAttentionSetsTheScenesQkvAndKeepsTheLayer) {
  AppState state = lab_state();
  state.lab_trainer = trainer_with();
  apply(state, action::SetLab{true});
  apply(state, action::LabTrain{});
  finish(state);
  ASSERT_TRUE(state.lab.result);
  apply(state, action::SetLabLayer{1});
  apply(state, action::OpenLabAttention{});
  finish(state);
  EXPECT_EQ(state.scene.qkv, state.lab.model_path);
  ASSERT_TRUE(state.scene.layer.has_value()) << "qkv_file_use must not drop the chosen layer";
  EXPECT_EQ(*state.scene.layer, 1);
  EXPECT_TRUE(state.error.empty()) << state.error;
  ASSERT_TRUE(state.analysis);
  EXPECT_EQ(state.analysis->scene.qkv, state.lab.model_path);
  EXPECT_FALSE(state.view.lab) << "the heatmaps show the learned weights";
  // Layer 1's numbers, not layer 0's: q at position 3 holds 100·1 + 10·0 + 3.
  const QkvHead head = qkv_file_open(state.scene)->head(0, 0);
  EXPECT_FLOAT_EQ(head.q[3 * 4], 103.f);
  EXPECT_FLOAT_EQ(head.k[3 * 4], 113.f);
  apply(state, action::Undo{});
  EXPECT_TRUE(state.scene.qkv.empty()) << "opening is an edit the user can undo";
}

// Each training writes a temporary model. An older one goes when a newer arrives unless a scene
// (on screen or in the undo history) reads it; all go with the state, as at exit.
TEST(LabPanelTest, TemporaryModelsAreRemovedWhenNoSceneReadsThemAndAtExit) {
  const auto train = [](AppState& state) {
    apply(state, action::LabTrain{});
    finish(state);
    EXPECT_TRUE(fs::exists(state.lab.model_path));
    return state.lab.model_path;
  };
  std::string opened, replaced, last;
  {
    AppState state = lab_state();
    state.lab_trainer = trainer_with();
    replaced = train(state);
    const std::string second = train(state);
    EXPECT_NE(second, replaced);
    EXPECT_FALSE(fs::exists(replaced)) << "nothing reads the first model any more";
    apply(state, action::OpenLabAttention{});
    finish(state);
    opened = second;
    ASSERT_EQ(state.scene.qkv, opened);
    last = train(state);
    EXPECT_TRUE(fs::exists(opened)) << "the scene reads it";
    apply(state, action::Undo{});
    last = train(state);
    EXPECT_TRUE(fs::exists(opened)) << "the redo history reads it";
    EXPECT_EQ(state.lab.model_files->paths().size(), 2u);
  }
  EXPECT_FALSE(fs::exists(opened));
  EXPECT_FALSE(fs::exists(last));
}

TEST(LabPanelTest, KeyTOpensThePanelInPlaceOfTheHeatmapsAndItDrawsItsCurves) {
  AppState state = lab_state();
  GuiHarness gui;
  const ActionQueue keys = gui.frame(state, {}, {KeyPress{GLFW_KEY_T}});
  ASSERT_TRUE(keys.find<action::ToggleLab>());
  apply(state, action::ToggleLab{});
  apply(state, action::SetCompare{true, {}});
  EXPECT_FALSE(state.view.lab) << "compare and the lab take the same place";
  apply(state, action::SetLab{true});
  EXPECT_FALSE(state.view.compare);
  state.lab_trainer = trainer_with();
  apply(state, action::LabTrain{});
  finish(state);
  gui.frame(state);
  bool curves = false;
  for (const auto& panel : gui.report.panels) curves |= panel.first == "lab curves";
  EXPECT_TRUE(curves);
  EXPECT_TRUE(gui.painter.heatmaps.empty()) << "the panel takes the heatmaps' place";
}

}  // namespace
}  // namespace attnscope::test
