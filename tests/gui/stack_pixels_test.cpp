// A model stack's layer strip on screen: Gemma-3 at classroom size shows one thumbnail per layer,
// and a local layer's thumbnail differs from the global one's where it means it: far below the
// diagonal (query 56, key 8) the window has masked the cell and the global layer reads it; both
// read the diagonal and neither reads above it.
#include <gtest/gtest.h>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

constexpr int kN = 64, kLayers = 62;

// The pixel at cell (q, k) of layer `layer`'s thumbnail of an n-token scene.
Rgb8 thumbnail_cell(const Screenshot& s, int layer, int q, int k, int n = kN) {
  const auto& r = s.layout["panels"].at("layer " + std::to_string(layer));
  const double x0 = r[0].get<double>(), y0 = r[1].get<double>();
  const double cell = (r[2].get<double>() - x0) / n;
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

// S2-Attn at N = 32, G = 8 (layer 1): the shifted heads' last group wraps, tokens 28..31 and
// 0..3 together, and causal order inside it (in shifted positions) lets queries 0..3 read keys
// 28..31, 16 leak cells. The thumbnail paints them in the theme's leak colour; the window layer
// (layer 0) leaks nowhere, so no cell of its thumbnail has that colour.
TEST(StackPixelsGLTest, AnS2LayersThumbnailMarksItsLeaks) {
  constexpr int n = 32, g = 8;
  const Screenshot s = screenshot_take("--stack window:window=4,s2:g=8 --n 32 --size 1280x800", "stack_s2_leaks");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const Theme& theme = s.theme();
  for (int q = 0; q < n; ++q)
    for (int k = 0; k < n; ++k) {
      // The rule written out: the wrapped group's query q < G/2 reads keys k >= N - G/2.
      const bool leak = q < g / 2 && k >= n - g / 2;
      const int distance = color_distance(thumbnail_cell(s, 1, q, k, n), theme.leak);
      if (leak) EXPECT_LE(distance, 24) << "layer 1 leaks at (" << q << ", " << k << ")";
      else EXPECT_GT(distance, 60) << "layer 1 reads (" << q << ", " << k << ") without a leak";
      EXPECT_GT(color_distance(thumbnail_cell(s, 0, q, k, n), theme.leak), 60) << "layer 0 (" << q << ", " << k << ")";
    }
}

}  // namespace
}  // namespace attnscope::test
