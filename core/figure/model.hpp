#pragma once
// The format-independent figure: what to draw, in points (1/72 in) from the top-left corner.
// Views build one Figure; the cairo renderer turns it into PNG, SVG or PDF, and GIF frames are
// rasterised from the same description, so every format shows the same thing.
#include <string>
#include <variant>
#include <vector>

#include "core/presentation/colormap_tables.hpp"

namespace attnscope::figure {

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

// Many rectangles of one colour, drawn as one path: per-cell heatmaps stay small in SVG/PDF
// because cells are grouped by their (256-entry) colour rather than written one by one.
struct FillBoxes {
  Rgb8 color;
  std::vector<Box> boxes;
  bool crisp = true;  // no anti-aliasing in raster output: cells meet without seams
};

struct Segment {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct StrokeSegments {
  Rgb8 color;
  double width = 1;
  std::vector<Segment> segments;
  bool crisp = false;
};

struct StrokeBoxes {
  Rgb8 color;
  double width = 1;
  std::vector<Box> boxes;
  bool crisp = false;
};

enum class Align { Left, Center, Right };
enum class Anchor { Baseline, Middle, Top };

struct Text {
  double x = 0, y = 0;
  std::string text;  // UTF-8
  double size = 8;
  Rgb8 color;
  Align align = Align::Left;
  Anchor anchor = Anchor::Baseline;
  bool bold = false;
  bool mono = false;
  bool vertical = false;  // rotated 90° counter-clockwise (reads bottom to top)
};

// An image of cols × rows cells scaled to `box` with nearest-neighbour sampling (never
// interpolated): large matrices are embedded as one pixel per cell.
struct Raster {
  Box box;
  int cols = 0, rows = 0;
  std::vector<Rgb8> pixels;  // row-major, top row first
};

using Item = std::variant<FillBoxes, StrokeSegments, StrokeBoxes, Text, Raster>;

// Where an attention matrix landed, so tests (and a viewer mapping clicks) can find cell (q, k)
// at box.x + (k + 0.5) * box.w / n, box.y + (q + 0.5) * box.h / n.
struct MatrixPlacement {
  Box box;
  int n = 0;  // rows (queries)
  int head = 0;
  std::string label;  // the variant, or "A vs B" for a difference panel
  int cols = 0;            // columns (keys); 0: as many as rows
  int row0 = 0, col0 = 0;  // the tokens of the first row and column (a window)
};

struct Figure {
  double width = 0, height = 0;
  std::string title;  // document title for SVG and PDF metadata
  Rgb8 background;
  std::vector<Item> items;  // painter's order
  std::vector<MatrixPlacement> matrices;
};

}  // namespace attnscope::figure

namespace attnscope::figure {

// Scales the drawing uniformly so it fits `height` (slides have a fixed 16:9 page) and centres
// it horizontally; a figure that already fits is only given the page height.
void figure_fit(Figure& figure, double height);

}  // namespace attnscope::figure
