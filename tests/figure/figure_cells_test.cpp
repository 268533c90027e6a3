// Every format read back to pixels: each cell's centre must show what the core says about that
// cell (leak colour on leaks, masked colour on masked cells, the weight's colormap entry
// elsewhere), with query 0 as the top row.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/views.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::Image;

Rgb8 expected_cell(const Analysis& a, const FigureOptions& o, int h, int q, int k, float vmax) {
  const Theme& t = theme_get(o.theme);
  if (a.leaks_at(h, q, k)) return t.leak;
  if (!a.allowed(h, q, k)) return t.masked;
  if (o.mask_only) return colormap_sample(o.colormap, 0.3f);
  const float w = std::clamp(a.weight(o.batch, h, q, k) / vmax, 0.f, 1.f);
  return colormap_table(o.colormap)[static_cast<size_t>(std::lround(w * 255.f))];
}

// The colour scale tops out at the 99th percentile of the shown weights (rank floor(0.99·(m−1))).
float scale_top(const Analysis& a, int batch) {
  std::vector<float> all;
  for (int h = 0; h < a.heads(); ++h)
    for (float w : a.attention.head(batch, h).weights) all.push_back(w);
  std::sort(all.begin(), all.end());
  return all[static_cast<size_t>(0.99 * static_cast<double>(all.size() - 1))];
}

// Renders, writes, and reads the file back as pixels at `dpi`.
Image render_back(const Analysis& a, const FigureOptions& o, int dpi, const test::TempDir& dir) {
  const std::string path = dir / (std::string("figure.") + figure_format_name(o.format));
  figure_export(a, o, path);
  const std::string png = dir / "back.png";
  const std::string d = std::to_string(dpi);
  switch (o.format) {
    case FigureFormat::Png: return test::decode_png(path);
    case FigureFormat::Svg:
      EXPECT_EQ(test::run("rsvg-convert -d " + d + " -p " + d + " -o " + png + " " + path), 0) << "rsvg-convert";
      return test::decode_png(png);
    case FigureFormat::Pdf:
      EXPECT_EQ(test::run("pdftoppm -r " + d + " -png -singlefile " + path + " " + dir / "back"), 0) << "pdftoppm";
      return test::decode_png(png);
    case FigureFormat::Gif: break;
  }
  throw std::runtime_error("no reader for this format");
}

struct CellCase {
  FigureFormat format;
  int n, g;
  bool mask_only;
  ThemeName theme;
  int dpi;
  // PNG cells are filled without anti-aliasing, so they match exactly; SVG and PDF go through
  // another rasteriser whose anti-aliasing and colour handling move centre pixels slightly.
  int tolerance;
  // Leak centres sit where the two anti-aliased strokes of the cross meet.
  int leak_tolerance;
};

std::string case_name(const testing::TestParamInfo<CellCase>& info) {
  const CellCase& c = info.param;
  std::string name = std::string(figure_format_name(c.format)) + "_n" + std::to_string(c.n) +
                     (c.mask_only ? "_mask" : "_weights") + "_" + theme_name(c.theme);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class FigureCells : public testing::TestWithParam<CellCase> {};

TEST_P(FigureCells, CentresShowWhatTheCoreSays) {
  const CellCase& c = GetParam();
  const auto a = analyze(test::test_scene({.variant = "s2", .n = c.n, .g = c.g}));
  FigureOptions o;
  o.format = c.format;
  o.dpi = c.dpi;
  o.mask_only = c.mask_only;
  o.theme = c.theme;
  const figure::Figure fig = figure::view_heatmap(*a, o);
  test::TempDir dir;
  const Image img = render_back(*a, o, c.dpi, dir);
  ASSERT_EQ(img.width, std::lround(fig.width * c.dpi / 72.0));
  ASSERT_EQ(fig.matrices.size(), static_cast<size_t>(a->heads()));
  const float vmax = scale_top(*a, 0);
  int checked = 0, leaks = 0, masked = 0, bad = 0;
  for (const figure::MatrixPlacement& m : fig.matrices)
    for (int q = 0; q < a->n(); ++q)
      for (int k = 0; k < a->n(); ++k) {
        const auto [x, y] = test::cell_pixel(m, q, k, c.dpi);
        const Rgb8 want = expected_cell(*a, o, m.head, q, k, vmax);
        const Rgb8 got = img.at(x, y);
        const bool leak = a->leaks_at(m.head, q, k);
        const int tol = leak ? c.leak_tolerance : c.tolerance;
        leaks += leak;
        masked += !a->allowed(m.head, q, k);
        ++checked;
        if (test::color_distance(got, want) > tol && ++bad <= 5)
          ADD_FAILURE() << "head " << m.head << " cell (" << q << ", " << k << ") at pixel (" << x << ", " << y
                        << "): got " << int(got.r) << "," << int(got.g) << "," << int(got.b) << " want "
                        << int(want.r) << "," << int(want.g) << "," << int(want.b) << (leak ? " (leak)" : "");
      }
  EXPECT_EQ(bad, 0) << bad << " of " << checked << " cells differ";
  EXPECT_GT(leaks, 0) << "the scene must contain leaks for this test to mean anything";
  EXPECT_GT(masked, 0);
}


INSTANTIATE_TEST_SUITE_P(
    Formats, FigureCells,
    testing::Values(CellCase{FigureFormat::Png, 16, 4, false, ThemeName::Light, 150, 0, 0},
                    CellCase{FigureFormat::Png, 16, 4, true, ThemeName::Dark, 150, 0, 0},
                    CellCase{FigureFormat::Png, 32, 8, false, ThemeName::HighContrast, 150, 0, 0},
                    CellCase{FigureFormat::Png, 16, 4, true, ThemeName::Bright, 150, 0, 0},
                    // Above 128 the weights are an embedded raster and small leaks are filled.
                    CellCase{FigureFormat::Png, 160, 32, false, ThemeName::Light, 300, 0, 0},
                    CellCase{FigureFormat::Svg, 16, 4, false, ThemeName::Light, 150, 6, 60},
                    CellCase{FigureFormat::Svg, 16, 4, true, ThemeName::Dark, 150, 6, 60},
                    CellCase{FigureFormat::Svg, 160, 32, false, ThemeName::Light, 300, 6, 60},
                    CellCase{FigureFormat::Pdf, 16, 4, false, ThemeName::Light, 150, 6, 60},
                    CellCase{FigureFormat::Pdf, 32, 8, true, ThemeName::HighContrast, 150, 6, 60},
                    CellCase{FigureFormat::Pdf, 160, 32, false, ThemeName::Light, 300, 6, 60}),
    case_name);

// A window drawn from a structure-only analysis, its weights computed for the window alone, shows
// at every cell what the analysis that computed every value says; the scale is the window's own.
TEST(FigureWindow, CellsShowTheWholeAnalysisValuesAtTheirTokens) {
  const Scene scene = test::test_scene({.variant = "s2", .n = 64, .g = 16});
  const auto full = analyze(scene);
  AnalyzeOptions structure;
  structure.values = false;
  const auto lazy = analyze(scene, structure);
  ASSERT_FALSE(lazy->has_values());
  FigureOptions o;
  o.dpi = 150;
  o.rows = {4, 36};   // the shifted head's leaking rows 0..7 partly, and a group boundary at 24
  o.keys = {20, 64};  // not square, and reaching the last key
  const figure::Figure fig = figure::view_heatmap(*lazy, o);
  ASSERT_EQ(fig.matrices.size(), 2u);
  std::vector<float> shown;
  for (int h = 0; h < 2; ++h)
    for (int q = 4; q < 36; ++q)
      for (int k = 20; k < 64; ++k)
        if (full->allowed(h, q, k)) shown.push_back(full->weight(0, h, q, k));
  std::sort(shown.begin(), shown.end());
  const float vmax = shown[static_cast<size_t>(0.99 * static_cast<double>(shown.size() - 1))];
  test::TempDir dir;
  const Image img = render_back(*lazy, o, o.dpi, dir);
  int bad = 0, leaks = 0, weights = 0;
  for (const figure::MatrixPlacement& m : fig.matrices) {
    EXPECT_EQ(m.n, 32);
    EXPECT_EQ(m.cols, 44);
    for (int q = 4; q < 36; ++q)
      for (int k = 20; k < 64; ++k) {
        const auto [x, y] = test::cell_pixel(m, q, k, o.dpi);
        const Rgb8 want = expected_cell(*full, o, m.head, q, k, vmax);
        const Rgb8 got = img.at(x, y);
        leaks += full->leaks_at(m.head, q, k);
        weights += full->allowed(m.head, q, k) && !full->leaks_at(m.head, q, k);
        if (test::color_distance(got, want) > 0 && ++bad <= 5)
          ADD_FAILURE() << "head " << m.head << " cell (" << q << ", " << k << "): got " << int(got.r) << ","
                        << int(got.g) << "," << int(got.b) << " want " << int(want.r) << "," << int(want.g)
                        << "," << int(want.b);
      }
  }
  EXPECT_EQ(bad, 0);
  EXPECT_GT(leaks, 0);
  EXPECT_GT(weights, 100);
}

TEST(FigureWindow, AWindowPastTheLastTokenOrOfAnotherViewIsRefused) {
  const auto a = analyze(test::test_scene({.variant = "s2", .n = 16, .g = 4}));
  FigureOptions o;
  o.rows = {8, 17};
  EXPECT_THROW(figure_render(*a, o), SceneError);
  o.rows = {8, 16};
  EXPECT_NO_THROW(figure_render(*a, o));
  o.view = FigureView::Steps;
  EXPECT_THROW(figure_render(*a, o), SceneError);
  EXPECT_THROW(token_range_parse("9:3", "rows"), SceneError);
  EXPECT_THROW(token_range_parse("3", "rows"), SceneError);
  EXPECT_EQ(token_range_parse("3:9", "rows"), (TokenRange{3, 9}));
}

TEST(FigureOrientation, QueryZeroIsTheTopRow) {
  // S2's shifted head leaks only in rows 0..G/2-1, columns N-G/2..N-1: the top-right corner.
  const auto a = analyze(test::test_scene({.variant = "s2", .n = 16, .g = 4}));
  FigureOptions o;
  o.dpi = 100;
  o.heads = {1};
  const figure::Figure fig = figure::view_heatmap(*a, o);
  test::TempDir dir;
  const Image img = render_back(*a, o, 100, dir);
  const Rgb8 leak = theme_get(o.theme).leak;
  const auto top = test::cell_pixel(fig.matrices[0], 0, 15, 100);
  const auto bottom = test::cell_pixel(fig.matrices[0], 15, 15, 100);
  EXPECT_LT(top.second, bottom.second);
  EXPECT_EQ(img.at(top.first, top.second), leak);
  EXPECT_NE(img.at(bottom.first, bottom.second), leak);
}

// At N = 131072 a cell is 0.002 pt: the leaking corner of a shifted head, drawn a run a row,
// vanished into the allowed colour beneath it. Its cells must read as leaks, in PNG and in SVG
// (whose rasteriser sees the vector boxes themselves), and the clean head's same cells as masked.
TEST(FigureLargeN, TheLeakingCornerShowsAtN131072) {
  const auto a = test::s2_structure(131072, 32768, 2);
  for (const FigureFormat format : {FigureFormat::Png, FigureFormat::Svg}) {
    FigureOptions o;
    o.format = format;
    o.dpi = 100;
    o.mask_only = true;
    const figure::Figure fig = figure::view_heatmap(*a, o);
    test::TempDir dir;
    const Image img = render_back(*a, o, 100, dir);
    const Theme& theme = theme_get(o.theme);
    const int tolerance = format == FigureFormat::Png ? 0 : 6;
    auto at = [&](int head, int q, int k) {
      const auto [x, y] = test::cell_pixel(fig.matrices[head], q, k, 100);
      return img.at(x, y);
    };
    ASSERT_TRUE(a->leaks_at(1, 8192, 122880));
    EXPECT_LE(test::color_distance(at(1, 8192, 122880), theme.leak), tolerance) << figure_format_name(format);
    EXPECT_LE(test::color_distance(at(0, 8192, 122880), theme.masked), tolerance) << figure_format_name(format);
    EXPECT_LE(test::color_distance(at(1, 60000, 40000), theme.masked), tolerance) << figure_format_name(format);
    EXPECT_GT(test::color_distance(at(1, 60000, 60000 - 8000), theme.masked), 60) << "an allowed cell";
  }
}

TEST(FigurePng, BackgroundIsTheThemeBackground) {
  const auto a = analyze(test::test_scene({.variant = "s2", .n = 16, .g = 4}));
  for (ThemeName t : {ThemeName::Light, ThemeName::Dark, ThemeName::HighContrast, ThemeName::Bright}) {
    FigureOptions o;
    o.dpi = 72;
    o.theme = t;
    test::TempDir dir;
    const Image img = render_back(*a, o, 72, dir);
    EXPECT_EQ(img.at(1, 1), theme_get(t).background) << theme_name(t);
    EXPECT_EQ(img.at(img.width - 2, img.height - 2), theme_get(t).background) << theme_name(t);
  }
}

TEST(FigurePng, LastRowIsBackgroundWhenTheHeightRoundsUp) {
  // The single-column storyboard's height is a fractional number of pixels rounded up, so the
  // last row is only partly inside the page.
  const auto a = analyze(test::test_scene({.variant = "s2", .n = 16, .g = 4}));
  FigureOptions o;
  o.view = FigureView::Steps;
  o.size = FigureSize::Single;
  // The first resolution from 200 dpi up at which the page ends more than half-way into its
  // last pixel row.
  const double height = figure::view_steps(*a, o).height;
  auto covered = [&](int dpi) { return height * dpi / 72 - std::floor(height * dpi / 72); };
  int dpi = 200;
  while (covered(dpi) <= 0.5 && dpi < 260) ++dpi;
  ASSERT_GT(covered(dpi), 0.5) << "no resolution in 200..260 dpi rounds up; pick another case";
  o.dpi = dpi;
  test::TempDir dir;
  const Image img = render_back(*a, o, dpi, dir);
  for (int x = 0; x < img.width; x += 7)
    ASSERT_EQ(img.at(x, img.height - 1), theme_get(o.theme).background) << "x = " << x;
}

}  // namespace
}  // namespace attnscope
