// The GUI's export: the compare view is written from the analyses the cache already holds (the
// figure analyses nothing again), by a request that owns what it reads so a worker can run it.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/gui/export_figure.hpp"
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

TEST(GuiExport, NothingToExportBeforeAnAnalysis) {
  AppState state;
  auto made = export_request(state);
  const auto* refused = std::get_if<action::ShowToast>(&made);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->error);
}

}  // namespace
}  // namespace attnscope::test
