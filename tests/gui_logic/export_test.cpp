// The GUI's export: the compare view is written from the analyses the cache already holds (the
// figure analyses nothing again), by a request that owns what it reads so a worker can run it.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/gui/export_figure.hpp"
#include "core/compare.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

TEST(GuiExport, CompareReusesTheCachedAnalysesAndWritesTheFile) {
  AppState state = state_with(classroom_scene());
  apply(state, action::SetCompare{true, {"s2", "s2-fix-mask", "short"}});
  const auto request = export_request(state, ::testing::TempDir());
  ASSERT_TRUE(request);
  EXPECT_EQ(request->compare, (std::vector<std::string>{"s2-fix-mask", "short"}));
  ASSERT_EQ(request->compared.size(), 2u);
  for (size_t i = 0; i < 2; ++i)
    EXPECT_EQ(request->compared[i], state.cache.peek(scene_hash(compare_scene(state.scene, request->compare[i]))))
        << "the very analysis the compare view shows";
  EXPECT_EQ(request->analysis, state.analysis);
  std::filesystem::remove(request->path);
  const std::string status = export_run(*request);
  EXPECT_EQ(status, "exported " + request->path);
  EXPECT_GT(std::filesystem::file_size(request->path), 1000u);
  EXPECT_NE(request->path.find("compare"), std::string::npos);
}

TEST(GuiExport, NothingToExportBeforeAnAnalysis) {
  AppState state;
  EXPECT_FALSE(export_request(state, ::testing::TempDir()));
}

}  // namespace
}  // namespace attnscope::test
