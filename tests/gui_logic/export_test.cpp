// The GUI's export: the compare view is written from the analyses the cache already holds (the
// figure analyses nothing again), by a request that owns what it reads so a worker can run it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "app/gui/export_figure.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/compare.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

TEST(GuiExport, CompareReusesTheCachedAnalysesAndWritesTheFile) {
  AppState state = state_with(classroom_scene());
  apply(state, action::SetCompare{true, {"s2", "s2-fix-mask", "short"}});
  apply(state, action::SetExportFolder{::testing::TempDir()});
  auto made = export_request(state);
  const auto* request = std::get_if<ExportRequest>(&made);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->compare, (std::vector<std::string>{"s2-fix-mask", "short"}));
  ASSERT_EQ(request->compared.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(request->compared[i], state.cache.peek(scene_hash(compare_scene(state.scene, request->compare[i]))))
        << "the very analysis the compare view shows";
  EXPECT_EQ(request->analysis, state.analysis);
  const action::ShowToast toast = export_run(*request);
  EXPECT_FALSE(toast.error) << toast.text;
  EXPECT_EQ(toast.text, "Exported " + request->path);
  EXPECT_GT(std::filesystem::file_size(request->path), 1000u);
  EXPECT_NE(request->path.find("compare"), std::string::npos);
  std::filesystem::remove(request->path);
}

// A compare list that repeats a variant, or puts another variant in the A slot, still exports
// the scene's variant against the others only: never a variant against itself.
TEST(GuiExport, CompareNeverPairsAVariantWithItself) {
  AppState state = state_with(classroom_scene());
  apply(state, action::SetCompare{true, {"s2", "full", "s2", "full"}});
  EXPECT_EQ(state.view.compare_variants, (std::vector<std::string>{"s2", "full"}));
  apply(state, action::SetCompare{true, {"full", "s2"}});
  apply(state, action::SetExportFolder{::testing::TempDir()});
  auto made = export_request(state);
  const auto* request = std::get_if<ExportRequest>(&made);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->compare, (std::vector<std::string>{"full"}));
  const action::ShowToast toast = export_run(*request);
  EXPECT_FALSE(toast.error) << toast.text;
  std::filesystem::remove(request->path);
}

// Ctrl+E at the mask step writes the masked scores the heatmaps show, named by the GUI's step.
TEST(GuiExport, TheMaskStepWritesTheMaskedScoresOnScreen) {
  AppState state = state_with(classroom_scene());
  const int mask = state.analysis->trace().find("mask");
  apply(state, action::StepTo{mask, false});
  apply(state, action::SetExportFolder{::testing::TempDir()});
  auto made = export_request(state);
  const auto* request = std::get_if<ExportRequest>(&made);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->options.view, FigureView::Heatmap);
  EXPECT_EQ(figure::heatmap_cells(*request->analysis, request->options), StepCells::MaskedScores);
  EXPECT_NE(request->path.find(fmt::format("step{}-mask", mask)), std::string::npos) << request->path;
  const figure::Figure fig = figure::view_heatmap(*request->analysis, request->options);
  bool legend = false;
  for (const auto& item : fig.items)
    if (const auto* t = std::get_if<figure::Text>(&item)) legend |= t->text == "masked (\u2212\u221e)";
  EXPECT_TRUE(legend) << "the legend of the masked scores";
}

TEST(GuiExport, NothingToExportBeforeAnAnalysis) {
  AppState state;
  auto made = export_request(state);
  const auto* refused = std::get_if<action::ShowToast>(&made);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->error);
}

}  // namespace
}  // namespace attnscope::test
