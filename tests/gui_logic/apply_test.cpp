// apply() semantics: undo/redo through the analysis cache, step clamping, invalid scenes,
// stale background results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/gui/apply.hpp"
#include "app/gui/export_figure.hpp"
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

// A scene large enough to analyse on a worker has no steps until the analysis arrives: the step
// asked for at start (--step) waits for it rather than falling back to step 0.
TEST(ApplyTest, AStepAskedForBeforeAWorkersAnalysisIsTheStepItOpensAt) {
  AppState state;
  Scene large = classroom_scene();
  large.n = 2048;
  large.g = 512;
  ASSERT_GE(large.n, state.async_min_n);
  apply(state, action::SetScene{large});
  ASSERT_EQ(state.analysis, nullptr) << "analysed on a worker";
  apply(state, action::StepTo{7, false});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_TRUE(state.analysis) << state.error;
  EXPECT_EQ(state.play.step, 7);
  AppState beyond;
  apply(beyond, action::SetScene{large});
  apply(beyond, action::StepTo{99, false});
  for (const Action& a : jobs_wait(beyond)) apply(beyond, a);
  EXPECT_EQ(beyond.play.step, static_cast<int>(beyond.analysis->trace().steps.size()) - 1) << "clamped to the trace";
}

// Compare and cost share the main view: each key opens its view from the other, and closes its own.
TEST(ApplyTest, CompareAndCostOpenFromEitherAndCloseThemselves) {
  AppState state = state_with(classroom_scene());
  apply(state, action::ToggleCompare{});
  ASSERT_TRUE(state.view.compare);
  apply(state, action::ToggleCost{});
  EXPECT_TRUE(state.view.cost);
  EXPECT_FALSE(state.view.compare) << "O opens cost while compare is open";
  apply(state, action::ToggleCompare{});
  EXPECT_TRUE(state.view.compare);
  EXPECT_FALSE(state.view.cost) << "C opens compare while cost is open";
  apply(state, action::ToggleCompare{});
  EXPECT_FALSE(state.view.compare);
  EXPECT_FALSE(state.view.cost) << "back on the heatmaps";
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

// topk at N = 32768 scores for about a minute: the worker's progress moves while it scores, and
// cancel (Esc) stops it there rather than when the scoring is done.
TEST(ApplyTest, AScoringAnalysisShowsProgressAndCancelStopsItAtOnce) {
  AppState state = state_with(classroom_scene());
  Scene scene = state.scene;
  scene.variant = "topk";
  scene.n = 32768;
  scene.heads = 8;
  scene.params.clear();
  apply(state, action::SetScene{scene});
  ASSERT_EQ(state.jobs.size(), 1u);
  const auto start = std::chrono::steady_clock::now();
  while (state.jobs[0].control->done < 0.06f && std::chrono::steady_clock::now() - start < std::chrono::seconds(20))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(state.jobs[0].control->done, 0.06f) << "no progress while the variant scores";
  apply(state, action::CancelJobs{});
  const auto cancelled = std::chrono::steady_clock::now();
  const std::vector<Action> results = jobs_wait(state);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - cancelled).count(), 5.0);
  EXPECT_TRUE(state.jobs.empty());
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
  apply(state, action::Zoom{2.f, std::nullopt});
  EXPECT_FLOAT_EQ(state.view.zoom, 2.f);
  apply(state, action::Pan{5.f, 5.f});
  EXPECT_FLOAT_EQ(state.view.pan_x, 0.5f);
  apply(state, action::Zoom{100.f, std::nullopt});
  EXPECT_FLOAT_EQ(state.view.zoom, 4.f) << "at most 4 cells across for N = 16";
}


TEST(ApplyTest, ZoomAboutThePointerKeepsThePointedCellUnderIt) {
  AppState state = state_with(classroom_scene());
  // The pointer at 3/4 across and 1/4 down the view points at matrix fraction (0.75, 0.25):
  // cell (q 4, k 12) of N = 16.
  const ImVec2Fraction pointer{0.75f, 0.25f};
  for (float factor : {1.25f, 1.25f, 1.25f}) {
    apply(state, action::Zoom{factor, pointer});
    const float mx = state.view.pan_x + pointer.x / state.view.zoom;
    const float my = state.view.pan_y + pointer.y / state.view.zoom;
    EXPECT_NEAR(mx, 0.75f, 1e-5f) << "zoom " << state.view.zoom;
    EXPECT_NEAR(my, 0.25f, 1e-5f);
  }
}

// The banner above the views in the scene panel's words (N and G, not the keys n and g) and in
// whole sentences: the core's message ends before the note that the views kept the last scene.
TEST(ApplyTest, TheBannerUsesThePanelsSizesAndWholeSentences) {
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  Scene bad = state.scene;
  bad.n = 15;
  apply(state, action::SetScene{bad});
  ASSERT_FALSE(state.error.empty());
  std::string word;
  for (const char c : state.error + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.') {  // "e.g." is one word
      word += c;
      continue;
    }
    if (!word.empty() && word.back() == '.') word.pop_back();
    EXPECT_TRUE(word != "n" && word != "g") << "the key '" << word << "' in: " << state.error;
    word.clear();
  }
  gui.frame(state);
  const ScreenReport::TextLine* banner = nullptr;
  for (const auto& line : gui.report.lines)
    if (line.name == "banner") banner = &line;
  ASSERT_NE(banner, nullptr);
  EXPECT_NE(banner->text.find(". The views show the last scene that worked."), std::string::npos) << banner->text;
  EXPECT_EQ(banner->text.find("  "), std::string::npos) << banner->text;
}

TEST(ApplyTest, SceneErrorsNameGuiFieldsAndMarkThem) {
  std::vector<std::string> fields;
  const std::string text =
      gui_error_text("g: group size 5 does not divide n = 16; pick a --g that divides n, e.g. --g 4", fields);
  EXPECT_EQ(text.rfind("G group: ", 0), 0u) << text;
  EXPECT_EQ(text.find("--"), std::string::npos) << "no command-line flags in the GUI: " << text;
  EXPECT_NE(text.find("\"G group\""), std::string::npos) << text;
  ASSERT_FALSE(fields.empty());
  EXPECT_EQ(fields.front(), "g") << "the key the message is about comes first";

  AppState state = state_with(classroom_scene());
  const auto good = state.analysis;
  Scene bad = state.scene;
  bad.g = 5;
  apply(state, action::SetScene{bad});
  EXPECT_FALSE(state.error.empty());
  EXPECT_EQ(state.error.find("--"), std::string::npos) << state.error;
  EXPECT_NE(std::find(state.error_fields.begin(), state.error_fields.end(), "g"), state.error_fields.end()) << state.error;
  EXPECT_EQ(state.analysis, good) << "the views keep the last good scene";
  bad.g = 4;
  apply(state, action::SetScene{bad});
  EXPECT_TRUE(state.error.empty());
  EXPECT_TRUE(state.error_fields.empty());
}

TEST(ApplyTest, HandWrittenCaptionsOnlyForTheirSceneThenCaptionsFromTheAnalysis) {
  AppState state;
  Scene lesson = classroom_scene();
  lesson.captions = {{"output", "Head 1's last group mixed tokens 14, 15, 0, 1. That is the leak."}};
  lesson.captions_key = scene_captions_key(lesson);  // written for this scene, as a preset file's are
  state.presets.push_back({"lesson.json", "lesson", lesson, ""});
  apply(state, action::LoadPreset{0});
  const int last = static_cast<int>(state.analysis->trace().steps.size()) - 1;
  EXPECT_EQ(state.step_caption_text(last), lesson.captions["output"]);

  Scene n20 = state.scene;  // the scene panel keeps the captions in the scene it edits
  n20.n = 20;
  apply(state, action::SetScene{n20});
  const std::string n20_text = state.step_caption_text(last);
  EXPECT_NE(n20_text, lesson.captions["output"]);
  EXPECT_NE(n20_text.find("18, 19, 0, 1"), std::string::npos) << "N = 20 wraps tokens 18, 19, 0, 1: " << n20_text;

  Scene h4 = state.scene;
  h4.n = 16;
  h4.heads = 4;
  apply(state, action::SetScene{h4});
  const std::string h4_text = state.step_caption_text(last);
  EXPECT_NE(h4_text.find("head 2"), std::string::npos) << "with H = 4 heads 2 and 3 are shifted: " << h4_text;
  EXPECT_EQ(h4_text.find("ead 1"), std::string::npos) << "head 1 is not shifted with H = 4: " << h4_text;

  Scene window = state.scene;
  window.variant = "s2-fix-mask";
  window.heads = 2;
  apply(state, action::SetScene{window});
  const std::string none = state.step_caption_text(last);
  EXPECT_NE(none.find("No leaks"), std::string::npos) << none;
  EXPECT_EQ(none.find("That is the leak"), std::string::npos);

  apply(state, action::SetScene{lesson});  // back to the scene the captions were written for
  EXPECT_EQ(state.step_caption_text(last), lesson.captions["output"]);
}

TEST(ApplyTest, ExportNeverOverwritesAFileAndSaysWhereItWrote) {
  const std::filesystem::path folder = std::filesystem::path(::testing::TempDir()) / "attnscope_export_names";
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  EXPECT_EQ(export_unique_path(folder.string(), "fig"), (folder / "fig.png").string());
  std::ofstream(folder / "fig.png") << "taken";
  std::ofstream(folder / "fig-2.png") << "taken";
  EXPECT_EQ(export_unique_path(folder.string(), "fig"), (folder / "fig-3.png").string());

  AppState state = state_with(classroom_scene());
  apply(state, action::StepTo{6, false});
  apply(state, action::SetExportFolder{folder.string()});
  // Two exports at once: the second takes the next name even while the first is still writing.
  apply(state, action::Export{});
  apply(state, action::Export{});
  ASSERT_EQ(state.jobs.size(), 2u);
  EXPECT_EQ(state.jobs[0].kind, JobKind::Export);
  EXPECT_EQ(state.jobs[0].path, (folder / "attnscope-heatmap-s2-n16-step6-mask.png").string());
  EXPECT_EQ(state.jobs[1].path, (folder / "attnscope-heatmap-s2-n16-step6-mask-2.png").string());
  const std::vector<Action> done = jobs_wait(state);
  ASSERT_EQ(done.size(), 2u);
  const auto* first = std::get_if<action::ShowToast>(&done[0]);
  const auto* second = std::get_if<action::ShowToast>(&done[1]);
  ASSERT_TRUE(first && second);
  ASSERT_FALSE(first->error) << first->text;
  ASSERT_FALSE(second->error) << second->text;
  EXPECT_EQ(first->text, "Exported " + (folder / "attnscope-heatmap-s2-n16-step6-mask.png").string());
  EXPECT_EQ(second->text, "Exported " + (folder / "attnscope-heatmap-s2-n16-step6-mask-2.png").string());
  EXPECT_EQ(std::filesystem::file_size(folder / "fig.png"), 5u) << "never overwritten";
  apply(state, done[1]);
  ASSERT_TRUE(state.toast);
  EXPECT_EQ(state.toast->text, second->text);

  apply(state, action::SetExportFolder{(folder / "missing").string()});
  apply(state, action::Export{});
  EXPECT_TRUE(state.jobs.empty()) << "refused at once";
  ASSERT_TRUE(state.toast);
  EXPECT_TRUE(state.toast->error);
  EXPECT_NE(state.toast->text.find("does not exist"), std::string::npos) << state.toast->text;
}

}  // namespace
}  // namespace attnscope::test
