// What the variant gallery's heatmaps say besides the cells: group and block boundary lines,
// panel headers, the scene summary under the title, and the mark on rows that read no key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/matrix_panel.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"
#include "tests/figure/figure_test_support.hpp"
#include "tests/support/preset_files.hpp"

namespace attnscope {
namespace {

using test::has_text;
using test::items_of;

FigureOptions single() {
  FigureOptions o;
  o.size = FigureSize::Single;
  return o;
}

using test::preset;

// The subtitle: the lines drawn in the axis colour at the label size right under the title.
std::string subtitle_of(const figure::Figure& fig, const FigureOptions& o) {
  const Theme& t = theme_get(o.theme);
  std::string out;
  for (const auto* x : items_of<figure::Text>(fig)) {
    if (x->color != t.axis || x->bold) continue;
    out += (out.empty() ? "" : "\n") + x->text;
  }
  return out;
}

// Pixel rows (or columns) where the boundary lines of `placement` cross token `t`, at `dpi`.
int line_pixel(double origin, double cell, int t, double dpi) {
  return static_cast<int>(std::floor((origin + t * cell) * dpi / 72.0));
}

// Does a pixel within one pixel of (x, y) along the line's normal show `color`?
bool near_color(const test::Image& img, int x, int y, bool horizontal, Rgb8 color) {
  for (int d = -1; d <= 1; ++d) {
    const int px = horizontal ? x : x + d, py = horizontal ? y + d : y;
    if (test::color_distance(img.at(px, py), color) < 40) return true;
  }
  return false;
}

TEST(FigureGallery, BlockBoundariesAreDrawnAtTheBlockEdges) {
  Scene s = preset("block");  // N = 16, blocks of 4
  const auto a = analyze(s);
  ASSERT_EQ(a->build.boundaries.size(), 2u);
  EXPECT_EQ(a->build.boundaries[0], (std::vector<int>{4, 8, 12}));
  test::TempDir dir;
  FigureOptions o = single();
  o.dpi = 200;
  const figure::Figure fig = figure::view_heatmap(*a, o);
  ASSERT_TRUE(has_text(fig, "block boundary"));
  figure_export(*a, o, dir / "block.png");
  const test::Image img = test::decode_png(dir / "block.png");
  const Theme& t = theme_get(o.theme);
  const figure::MatrixPlacement& m = fig.matrices.front();
  const double cell = m.box.w / m.n;
  // Along key column 14 (masked above the diagonal) and query row 1 (masked right of key 1):
  // a line at every block edge, masked grey at the edges between other tokens.
  const int column = static_cast<int>((m.box.x + 14.5 * cell) * 200 / 72.0);
  const int row = static_cast<int>((m.box.y + 1.5 * cell) * 200 / 72.0);
  for (int token : {4, 8, 12}) {
    EXPECT_TRUE(near_color(img, column, line_pixel(m.box.y, cell, token, 200), true, t.group_boundary)) << token;
    EXPECT_TRUE(near_color(img, line_pixel(m.box.x, cell, token, 200), row, false, t.group_boundary)) << token;
  }
  for (int token : {2, 6, 10}) {
    EXPECT_FALSE(near_color(img, column, line_pixel(m.box.y, cell, token, 200), true, t.group_boundary)) << token;
    EXPECT_FALSE(near_color(img, line_pixel(m.box.x, cell, token, 200), row, false, t.group_boundary)) << token;
  }
}

TEST(FigureGallery, EveryGroupedOrBlockVariantHasBoundaries) {
  const std::vector<std::pair<std::string, std::vector<int>>> expected = {
      {"01_classroom", {2, 6, 10, 14}},  // s2 head 1: the wrapped group 14, 15, 0, 1
      {"04_s2_fix_mask", {2, 6, 10, 14}},
      {"05_s2_fix_split", {2, 6, 10, 14}},
      {"sf", {2, 6, 10, 14}},  // reading r1: the shifted head's segments
      {"fixed", {4, 8, 12}},
      {"bigbird", {2, 4, 6, 8, 10, 12, 14}},
      {"select_merge", {4, 8, 12, 16, 20, 24, 28}},
  };
  for (const auto& [name, boundaries] : expected) {
    const auto a = analyze(preset(name));
    EXPECT_EQ(a->build.boundaries.back(), boundaries) << name;
    const figure::Figure fig = figure::view_heatmap(*a, single());
    const auto lines = items_of<figure::StrokeSegments>(fig);
    const Rgb8 color = theme_get(ThemeName::Light).group_boundary;
    EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [&](const auto* l) {
      return l->color == color && l->segments.size() == 2 * boundaries.size();
    })) << name;
  }
  for (const std::string name : {"window", "strided", "streaming"})
    EXPECT_TRUE(analyze(preset(name))->build.boundaries.empty()) << name;
}

TEST(FigureGallery, HeadersSayHowTheShiftedHeadIsLaidOutAndShareOneSize) {
  const auto split = analyze(preset("05_s2_fix_split"));
  const figure::Figure fig = figure::view_heatmap(*split, single());
  EXPECT_TRUE(has_text(fig, "head 0"));
  // One sign convention: both say "shift −2", torch.roll's sign, as --shift takes it.
  EXPECT_TRUE(has_text(fig, "head 1 \u00b7 shift \u22122, cut, not rolled"));
  EXPECT_TRUE(has_text(figure::view_heatmap(*analyze(preset("04_s2_fix_mask")), single()),
                       "head 1 \u00b7 shift \u22122, rolled"));
  EXPECT_TRUE(has_text(figure::view_heatmap(*analyze(preset("block")), single()), "head 1"));

  const auto s2 = analyze(preset("01_classroom"));
  const figure::Figure s2_fig = figure::view_heatmap(*s2, single());
  std::vector<double> sizes;
  for (const auto* t : items_of<figure::Text>(s2_fig))
    if (t->bold && t->text.rfind("head ", 0) == 0) sizes.push_back(t->size);
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_EQ(sizes[0], sizes[1]);
}

TEST(FigureGallery, SubtitleListsOnlyParametersThatShapeTheFigure) {
  const FigureOptions o = single();
  Scene sf = preset("sf");  // reading r1
  std::string text = subtitle_of(figure::view_heatmap(*analyze(sf), o), o);
  EXPECT_NE(text.find("sinks=1"), std::string::npos) << text;
  EXPECT_NE(text.find("reading=r1"), std::string::npos) << text;
  EXPECT_EQ(text.find("proportion"), std::string::npos) << text;
  EXPECT_EQ(text.find("sink-causal"), std::string::npos) << text;
  sf.params["reading"] = "r2";
  sf.params["sink-causal"] = "true";
  text = figure::scene_summary(*analyze(sf));
  EXPECT_NE(text.find("proportion=0.75"), std::string::npos) << text;
  EXPECT_NE(text.find("\u00b7 sink-causal \u00b7"), std::string::npos) << text;

  for (const std::string name : {"block", "select_merge"}) {
    Scene s = preset(name);
    text = figure::scene_summary(*analyze(s));
    EXPECT_EQ(text.find("G="), std::string::npos) << text;
    EXPECT_NE(text.find("block=4"), std::string::npos) << text;
    s.params.erase("block");  // the block size is then G's
    EXPECT_NE(figure::scene_summary(*analyze(s)).find("G=4"), std::string::npos) << name;
  }
  text = figure::scene_summary(*analyze(preset("topk")));
  EXPECT_EQ(text.find("pitfall"), std::string::npos) << text;
}

TEST(FigureGallery, SubtitlesBreakBetweenItemsAndLeaveNoItemAlone) {
  const FigureOptions o = single();
  for (const auto& path : test::preset_files()) {
    const Scene s = scene_load(path.string());
    if (s.n > 256) continue;
    const auto a = analyze(s);
    const std::string text = subtitle_of(figure::view_heatmap(*a, o), o);
    std::vector<std::string> lines;
    for (size_t b = 0, e; b <= text.size(); b = e + 1) {
      e = std::min(text.find('\n', b), text.size());
      lines.push_back(text.substr(b, e - b));
    }
    for (const std::string& line : lines) {
      EXPECT_NE(line.rfind("\u00b7", 0), 0u) << path << ": " << line;
      EXPECT_FALSE(line.ends_with("\u00b7")) << path << ": " << line;
    }
    if (lines.size() > 1)
      EXPECT_NE(lines.back().find(" \u00b7 "), std::string::npos) << path << ": " << text;
  }
  // A long list wraps at the separators only.
  const auto lines = figure::text_wrap_items("a \u00b7 bb \u00b7 cc \u00b7 dd \u00b7 ee", " \u00b7 ", 8,
                                             figure::text_width("a \u00b7 bb \u00b7 cc \u00b7 dd", 8) + 1);
  EXPECT_EQ(lines, (std::vector<std::string>{"a \u00b7 bb \u00b7 cc", "dd \u00b7 ee"}));
}

// The hatch of empty rows: segments in the theme's axis colour inside the matrix.
int hatch_segments_in_rows(const figure::Figure& fig, const figure::MatrixPlacement& m, int first, int last,
                           Rgb8 color) {
  const double cell = m.box.h / m.n;
  int count = 0;
  for (const auto* s : items_of<figure::StrokeSegments>(fig)) {
    if (s->color != color) continue;
    for (const auto& seg : s->segments) {
      const double top = std::min(seg.y0, seg.y1), bottom = std::max(seg.y0, seg.y1);
      const bool inside = std::min(seg.x0, seg.x1) >= m.box.x - 1e-6 && std::max(seg.x0, seg.x1) <= m.box.x + m.box.w + 1e-6;
      if (inside && seg.x0 != seg.x1 && seg.y0 != seg.y1 && top >= m.box.y + first * cell - 1e-6 &&
          bottom <= m.box.y + (last + 1) * cell + 1e-6)
        ++count;
    }
  }
  return count;
}

TEST(FigureGallery, RowsThatReadNoKeyAreMarkedOnlyWhereTheyOccur) {
  const auto fixed = analyze(preset("fixed"));  // l = 4, c = 1: head 1's queries 0..2 read nothing
  ASSERT_EQ(figure::matrix_empty_rows(fixed->mask(1)), (std::vector<int>{0, 1, 2}));
  ASSERT_TRUE(figure::matrix_empty_rows(fixed->mask(0)).empty());
  for (bool mask_only : {false, true}) {
    FigureOptions o = single();
    o.mask_only = mask_only;
    const Rgb8 color = theme_get(o.theme).axis;
    const figure::Figure fig = figure::view_heatmap(*fixed, o);
    EXPECT_TRUE(has_text(fig, "row reads no key"));
    ASSERT_EQ(fig.matrices.size(), 2u);
    EXPECT_GT(hatch_segments_in_rows(fig, fig.matrices[1], 0, 2, color), 2);
    EXPECT_EQ(hatch_segments_in_rows(fig, fig.matrices[0], 0, 15, color), 0);
  }
  // The core agrees: those rows are the attention's empty rows.
  int empty = 0;
  for (const auto& [b, h, q] : fixed->attention.empty_rows) empty += h == 1 && q <= 2;
  EXPECT_EQ(empty, 3);

  const auto window = analyze(preset("window"));
  const figure::Figure fig = figure::view_heatmap(*window, single());
  EXPECT_FALSE(has_text(fig, "row reads no key"));
  for (const auto& m : fig.matrices)
    EXPECT_EQ(hatch_segments_in_rows(fig, m, 0, 15, theme_get(ThemeName::Light).axis), 0);
}

TEST(FigureGallery, EmptyRowsShowAsHatchInThePng) {
  const auto fixed = analyze(preset("fixed"));
  FigureOptions o = single();
  o.dpi = 200;
  test::TempDir dir;
  const figure::Figure fig = figure::view_heatmap(*fixed, o);
  figure_export(*fixed, o, dir / "fixed.png");
  const test::Image img = test::decode_png(dir / "fixed.png");
  const Theme& t = theme_get(o.theme);
  // Count pixels darker than the group boundary lines (themselves darker than the masked grey)
  // along row 1 of each head, keys 4..15: masked in both heads, so only the hatch, drawn in the
  // axis colour, darkens head 1's.
  auto dark_pixels = [&](const figure::MatrixPlacement& m, int q) {
    const double cell = m.box.w / m.n;
    const int y = static_cast<int>((m.box.y + (q + 0.5) * cell) * 200 / 72.0);
    int dark = 0;
    for (int k = 4; k < 16; ++k)
      for (int dx = 0; dx < static_cast<int>(cell * 200 / 72.0) - 1; ++dx) {
        const int x = static_cast<int>((m.box.x + k * cell) * 200 / 72.0) + 1 + dx;
        const Rgb8 c = img.at(x, y);
        dark += c.r + c.g + c.b + 20 < t.group_boundary.r + t.group_boundary.g + t.group_boundary.b;
      }
    return dark;
  };
  EXPECT_GT(dark_pixels(fig.matrices[1], 1), 10);
  EXPECT_EQ(dark_pixels(fig.matrices[0], 1), 0);
}

}  // namespace
}  // namespace attnscope
