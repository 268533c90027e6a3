// Every scene in assets/scenes renders, with one heatmap per head whose pixels are colormap,
// masked or leak colours (not an empty or garbled texture).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/analysis/analysis.hpp"
#include "tests/gui/screenshot_support.hpp"
#include "tests/support/preset_files.hpp"

namespace attnscope::test {
namespace {

bool in_colormap(Rgb8 c, ColormapName name) {
  for (const Rgb8& entry : colormap_table(name))
    if (color_distance(c, entry) <= 6) return true;
  return false;
}

// One test per preset, so CTest runs them in parallel and names the preset that fails.
std::vector<std::string> preset_files() {
  std::vector<std::string> files;
  for (const auto& path : test::preset_files()) files.push_back(path.stem().string());
  return files;
}

class PresetsRenderGLTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PresetsRenderGLTest, RendersItsHeatmaps) {
  const std::string path = scene_path(GetParam() + ".json");
  const Screenshot s = screenshot_take("--frames 2 --scene " + path, "preset_" + GetParam());
  ASSERT_EQ(s.exit_code, 0);
  EXPECT_EQ(s.layout["error"], "");
  const Scene scene = scene_load(path);
  ASSERT_EQ(s.layout["heatmaps"].size(), static_cast<size_t>(std::min(scene.heads, 8)));
  const Theme& theme = s.theme();
  const ColormapName colormap = colormap_parse(s.layout["colormap"]);
  for (const auto& h : s.layout["heatmaps"]) {
    const auto& r = h["rect"];
    int coloured = 0, masked = 0;
    // A 9 x 9 lattice inside the rectangle, away from cell borders of small scenes.
    for (int i = 1; i <= 9; ++i)
      for (int j = 1; j <= 9; ++j) {
        const Rgb8 c = s.at(static_cast<int>(r[0].get<double>() + (r[2].get<double>() - r[0].get<double>()) * (i + 0.37) / 10.5),
                            static_cast<int>(r[1].get<double>() + (r[3].get<double>() - r[1].get<double>()) * (j + 0.29) / 10.5));
        if (color_distance(c, theme.masked) <= 3) ++masked;
        else if (in_colormap(c, colormap) || color_distance(c, theme.leak) <= 6) ++coloured;
      }
    EXPECT_GT(masked, 0) << "head " << h["head"];
    EXPECT_GT(coloured, 0) << "head " << h["head"];
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPreset, PresetsRenderGLTest, ::testing::ValuesIn(preset_files()),
                         [](const auto& info) { return info.param; });

TEST(PresetFiles, AtLeastSix) { EXPECT_GE(preset_files().size(), 6u); }

}  // namespace
}  // namespace attnscope::test
