// Every scene in assets/scenes renders, with one heatmap per head whose pixels are colormap,
// masked or leak colours (not an empty or garbled texture).
#include <gtest/gtest.h>

#include <filesystem>

#include "core/analysis.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

bool in_colormap(Rgb8 c, ColormapName name) {
  for (const Rgb8& entry : colormap_table(name))
    if (colour_distance(c, entry) <= 6) return true;
  return false;
}

TEST(PresetsRenderGLTest, EveryPresetRendersItsHeatmaps) {
  int presets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes")) {
    if (entry.path().extension() != ".json") continue;
    ++presets;
    const std::string file = entry.path().filename().string();
    SCOPED_TRACE(file);
    const Screenshot s = screenshot_take("--frames 2 --scene " + entry.path().string(), "preset_" + entry.path().stem().string());
    ASSERT_EQ(s.exit_code, 0);
    EXPECT_EQ(s.layout["error"], "");
    const Scene scene = scene_load(entry.path().string());
    ASSERT_EQ(s.layout["heatmaps"].size(), static_cast<size_t>(std::min(scene.heads, 8)));
    const Theme& theme = theme_get(theme_parse(s.layout["theme"]));
    const ColormapName colormap = colormap_parse(s.layout["colormap"]);
    for (const auto& h : s.layout["heatmaps"]) {
      const auto& r = h["rect"];
      int coloured = 0, masked = 0;
      // A 9 x 9 lattice inside the rectangle, away from cell borders of small scenes.
      for (int i = 1; i <= 9; ++i)
        for (int j = 1; j <= 9; ++j) {
          const Rgb8 c = s.at(static_cast<int>(r[0].get<double>() + (r[2].get<double>() - r[0].get<double>()) * (i + 0.37) / 10.5),
                              static_cast<int>(r[1].get<double>() + (r[3].get<double>() - r[1].get<double>()) * (j + 0.29) / 10.5));
          if (colour_distance(c, theme.masked) <= 3) ++masked;
          else if (in_colormap(c, colormap) || colour_distance(c, theme.leak) <= 6) ++coloured;
        }
      EXPECT_GT(masked, 0) << "head " << h["head"];
      EXPECT_GT(coloured, 0) << "head " << h["head"];
    }
  }
  EXPECT_GE(presets, 6);
}

}  // namespace
}  // namespace attnscope::test
