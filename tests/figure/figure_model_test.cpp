// The figure model before any format: which encoding a matrix gets at which size.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/figure/matrix_panel.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::items_of;

TEST(FigureModel, ManyRunMasksBecomeOneRasterPixelPerCell) {
  const auto a = analyze(test::test_scene({.variant = "strided", .n = 1024, .params = {{"stride", "8"}}}));
  int64_t runs = 0;
  for (int q = 0; q < a->n(); ++q) runs += a->mask(1).row(q).size();
  ASSERT_GT(runs, figure::kMaxVectorRuns) << "head 1 must break rows into many runs for this test";
  FigureOptions o;
  o.mask_only = true;
  o.heads = {1};
  const figure::Figure fig = figure::view_heatmap(*a, o);
  const auto rasters = items_of<figure::Raster>(fig);
  ASSERT_EQ(rasters.size(), 1u);
  const figure::Raster& r = *rasters[0];
  ASSERT_EQ(r.cols, 1024);
  const Theme& t = theme_get(o.theme);
  const Rgb8 allowed = colormap_sample(o.colormap, 0.3f);
  int bad = 0;
  for (int q = 0; q < 1024; ++q)
    for (int k = 0; k < 1024; ++k)
      bad += r.pixels[static_cast<size_t>(q) * 1024 + k] != (a->allowed(1, q, k) ? allowed : t.masked);
  EXPECT_EQ(bad, 0);
}

TEST(FigureModel, RunMasksStayVectorAtAnyN) {
  const auto a = analyze(test::test_scene({.n = 2048, .g = 256}));
  FigureOptions o;
  o.mask_only = true;
  const figure::Figure fig = figure::view_heatmap(*a, o);
  EXPECT_TRUE(items_of<figure::Raster>(fig).empty());
  size_t boxes = 0;
  for (const auto* f : items_of<figure::FillBoxes>(fig)) boxes += f->boxes.size();
  // One box per run per row (S2: one run per row and head) plus backgrounds, legend and leaks.
  EXPECT_LT(boxes, 2u * 2048 + 64 + 2048);
}

// 32 heads four to a row leave a shifted head's "head 16 · shift −128, rolled · 16384 leaks" no
// room even at the smallest size: each header must stay clear of its neighbours' (they
// overlapped), keeping its head number first.
TEST(FigureModel, HeadersOfThirtyTwoHeadsFitTheirPanels) {
  const auto a = test::s2_structure(1024, 256, 32);
  FigureOptions o;
  o.mask_only = true;
  const figure::Figure fig = figure::view_heatmap(*a, o);
  ASSERT_EQ(fig.matrices.size(), 32u);
  int headers = 0, shortened = 0;
  for (const auto* t : items_of<figure::Text>(fig)) {
    if (!t->bold || t->text.rfind("head ", 0) != 0) continue;
    ++headers;
    shortened += t->text.rfind("head 31", 0) == 0 && t->text.find("shift") == std::string::npos;
    const double pitch = fig.matrices[1].box.x - fig.matrices[0].box.x;  // between panel centres
    EXPECT_LE(figure::text_width(t->text, t->size, true), pitch * 0.95 + 1e-6) << t->text;
  }
  EXPECT_EQ(headers, 32);
  EXPECT_GT(shortened, 0) << "the shifted heads' headers must have been shortened for this test to mean anything";
}

TEST(FigureModel, WeightsAreVectorCellsUpTo128ThenRaster) {
  for (int n : {128, 256}) {
    const auto a = analyze(test::test_scene({.n = n, .g = n / 4}));
    const figure::Figure fig = figure::view_heatmap(*a, FigureOptions{});
    // The colorbar is always a 1×256 raster; a matrix raster comes on top of it above 128.
    EXPECT_EQ(items_of<figure::Raster>(fig).size(), n > figure::kMaxVectorCells ? 3u : 1u) << n;
  }
}

}  // namespace
}  // namespace attnscope
