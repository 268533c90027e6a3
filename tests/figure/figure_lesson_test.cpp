// The lesson figures: what each one states is the core's number, and what it draws matches it.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "core/reach/reach.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

using test::all_text;
using test::items_of;

using test::preset;

TEST(FigureLesson, SymmetryJoinsEachBatchRowToItsTwinAndFindsNoDifference) {
  const auto a = analyze(Scene{});
  const figure::Figure fig = figure::view_symmetry(*a, {});
  const std::string text = all_text(fig);
  EXPECT_NE(text.find("differ in 0 cells"), std::string::npos) << text;
  EXPECT_NE(text.find("0\u21921, 1\u21922, 2\u21923, 3\u21920"), std::string::npos) << text;
  int links = 0;
  for (const auto* s : items_of<figure::StrokeSegments>(fig)) links += static_cast<int>(s->segments.size());
  EXPECT_EQ(links, 4);  // one line per group
  // Odd G: the figure names the roll that breaks it and the preset that shows the consequence.
  const std::string odd = all_text(figure::view_symmetry(*analyze(preset("06_s2_odd_g_floor")), {}));
  EXPECT_NE(odd.find("06_s2_odd_g_floor.json"), std::string::npos) << odd;
  EXPECT_NE(odd.find("\u22123 and +3 differ by 6"), std::string::npos) << odd;
}

TEST(FigureLesson, WrappedViewCrossesExactlyTheHeadsLeaksTwice) {
  const auto a = analyze(Scene{});
  const figure::Figure fig = figure::view_wrapped(*a, {});
  size_t crosses = 0;
  for (const auto* s : items_of<figure::StrokeSegments>(fig))
    if (s->color == theme_get(ThemeName::Light).leak) crosses += s->segments.size();
  // Two strokes per crossed cell, each leak drawn in frame order and in token order, plus the legend's cross.
  EXPECT_EQ(crosses, 2 * 2 * a->leaks[1].count() + 2);
  EXPECT_THROW(figure::view_wrapped(*analyze(preset("05_s2_fix_split")), {}), SceneError);
}

TEST(FigureLesson, NextTokenRasterIsTheReachCount) {
  const auto a = analyze(Scene{});
  const figure::Figure fig = figure::view_next_token(*a, {});
  const auto rasters = items_of<figure::Raster>(fig);
  ASSERT_EQ(rasters.size(), 1u);
  const figure::Raster& r = *rasters.front();
  const NextTokenReach reach = reach_next_token(a->build.masks, 64);
  ASSERT_EQ(r.cols, a->n() - 1);
  for (int l = 1; l <= r.rows; ++l) {
    int red = 0;
    for (int q = 0; q < r.cols; ++q) red += r.pixels[static_cast<size_t>(l - 1) * r.cols + q] == theme_get(ThemeName::Light).leak;
    EXPECT_EQ(red, reach.count_within(l)) << l << " layers";
  }
  EXPECT_NE(all_text(fig).find("after 7 layers, query 1 can already depend on token 2"), std::string::npos);
}

TEST(FigureLesson, CostListsEveryVariantAndTheLayer) {
  const auto a = analyze(Scene{});
  const figure::Figure fig = figure::view_cost(*a, {});
  for (const Variant* v : variant_all())
    if (v->info().name != "file")  // a user's mask file, not a pattern to cost
      EXPECT_TRUE(test::has_text(fig, v->info().name)) << v->info().name;
  EXPECT_TRUE(test::has_text(fig, "0.2941\u00d7"));  // s2: 40 of 136 cells
  EXPECT_NE(all_text(fig).find("What is not saved"), std::string::npos);
}

}  // namespace
}  // namespace attnscope
