// A model stack's layer strip on screen: Gemma-3 at classroom size shows one thumbnail per layer,
// and a local layer's thumbnail differs from the global one's where it means it: far below the
// diagonal (query 56, key 8) the window has masked the cell and the global layer reads it; both
// read the diagonal and neither reads above it.
#include <gtest/gtest.h>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

constexpr int kN = 64, kLayers = 62;

// The pixel at cell (q, k) of layer `layer`'s thumbnail.
Rgb8 thumbnail_cell(const Screenshot& s, int layer, int q, int k) {
  const auto& r = s.layout["panels"].at("layer " + std::to_string(layer));
  const double x0 = r[0].get<double>(), y0 = r[1].get<double>();
  const double cell = (r[2].get<double>() - x0) / kN;
  return s.at(static_cast<int>(x0 + (k + 0.5) * cell), static_cast<int>(y0 + (q + 0.5) * cell));
}

TEST(StackPixelsGLTest, Gemma3ShowsEveryLayerAndItsLocalLayersMaskWhatItsGlobalOneReads) {
  const Screenshot s = screenshot_take(
      "--scene " + scene_path("models/gemma3_27b_classroom.json") + " --size 1280x800", "stack_gemma3");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  int thumbnails = 0;
  for (int l = 0; l < kLayers; ++l) thumbnails += s.layout["panels"].contains("layer " + std::to_string(l));
  EXPECT_EQ(thumbnails, kLayers);
  const Theme& theme = s.theme();
  const int local = 0, global = 5;
  EXPECT_LE(color_distance(thumbnail_cell(s, local, 56, 8), theme.masked), 24) << "the window masks key 8 for query 56";
  EXPECT_LE(color_distance(thumbnail_cell(s, global, 56, 8), theme.axis), 24) << "the global layer reads it";
  for (int layer : {local, global}) {
    EXPECT_LE(color_distance(thumbnail_cell(s, layer, 40, 40), theme.axis), 24) << "layer " << layer << " reads q = k";
    EXPECT_LE(color_distance(thumbnail_cell(s, layer, 8, 56), theme.masked), 24) << "layer " << layer << ": causal";
  }
  EXPECT_GT(color_distance(thumbnail_cell(s, local, 56, 8), thumbnail_cell(s, global, 56, 8)), 60);
}

}  // namespace
}  // namespace attnscope::test
