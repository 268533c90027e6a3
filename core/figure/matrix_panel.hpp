#pragma once
// An N×N attention matrix on the page: queries as rows from the top, keys as columns from the
// left, with the cell encodings every view shares (weights, binary masks, leaks, groups).
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/figure/model.hpp"
#include "core/figure/style.hpp"
#include "core/presentation/weight_scale.hpp"
#include "core/presentation/wrapped_group.hpp"

namespace attnscope::figure {

struct MatrixGrid {
  double x = 0, y = 0;  // top-left corner of cell (0, 0)
  double cell = 1;      // points per cell
  int n = 0;            // rows (queries)
  int cols = 0;         // columns (keys); 0: as many as rows
  int row0 = 0, col0 = 0;  // the tokens of row 0 and column 0 (a window of a larger matrix)
  bool token_text = false;  // each token's text (Style::token_labels) beside its number
  int width() const { return cols > 0 ? cols : n; }
  Box box() const { return {x, y, cell * width(), cell * n}; }
};

// Per-cell vector rectangles up to this N; above it weights are embedded as a raster.
constexpr int kMaxVectorCells = 128;
// Leak cells at least this large (points) get an outline and a cross; smaller ones are filled.
constexpr double kMinMarkedLeakCell = 4.0;

// Masked background plus the cells of `mask` coloured by their values (aligned with its cells) on
// the scale: weights on the colormap, raw scores on the diverging table.
void matrix_draw_weights(Figure& fig, const MatrixGrid& grid, const RowRuns& mask,
                         const std::vector<float>& values, const WeightScale& scale, const Style& style);
// One rectangle per run per row: stays small at any N. Cells under a point are drawn by blocks
// of at least a point, each painted when any of its cells is in the set, so none vanishes.
void matrix_draw_runs(Figure& fig, const MatrixGrid& grid, const RowRuns& runs, Rgb8 color);

// Binary and categorical panels: a background and cell sets painted in order. One rectangle per
// run per row while there are at most kMaxVectorRuns runs; patterns that break every row into
// many runs (strided, dilated) become a nearest-neighbour raster instead of megabytes of paths.
constexpr int64_t kMaxVectorRuns = 20000;
struct CellLayer {
  const RowRuns* runs = nullptr;
  Rgb8 color;
};
void matrix_draw_layers(Figure& fig, const MatrixGrid& grid, Rgb8 background, const std::vector<CellLayer>& layers);
void matrix_draw_background(Figure& fig, const MatrixGrid& grid, Rgb8 color);
void matrix_draw_leaks(Figure& fig, const MatrixGrid& grid, const RowRuns& leaks, const Style& style);
// Lines before each token in `boundaries` (tokens where a new group starts), across both axes;
// in a window, the lines that fall inside it.
void matrix_draw_groups(Figure& fig, const MatrixGrid& grid, const std::vector<int>& boundaries,
                        const Style& style);
// Queries whose row allows no key at all (PyTorch's softmax over an all -inf row gives NaN;
// attnscope gives weight 0): each run of such rows is hatched across the matrix.
std::vector<int> matrix_empty_rows(const RowRuns& mask);
void matrix_draw_empty_rows(Figure& fig, const MatrixGrid& grid, const RowRuns& mask, const Style& style);
// Diagonal hatching of `box`, lines `spacing` apart: the empty-row mark and its legend swatch.
StrokeSegments hatch_box(const Box& box, double spacing, Rgb8 color, double width);
// Frame, ticks, tick labels and the axis titles "key (column)" and, when `query_title`,
// "query (row)" (panels after the first in a row share the first one's).
void matrix_draw_axes(Figure& fig, const MatrixGrid& grid, const Style& style, bool query_title = true);

// Room the axes of `shape` need left of and below the cells, its token text included.
double matrix_left_extent(const MatrixGrid& shape, const Style& style);
double matrix_bottom_extent(const MatrixGrid& shape, const Style& style);
// Whether the style has text for every token of the grid and its cells are tall enough to show it
// at the tick labels' size.
bool matrix_token_text_fits(const MatrixGrid& grid, const Style& style);

// The colour of allowed cells in binary-mask figures.
Rgb8 matrix_allowed_color(const Style& style);
// Tokens where a new group or block begins for `head`, in original order (the variant's
// VariantBuild::boundaries); empty for variants without groups or blocks.
const std::vector<int>& head_group_boundaries(const Analysis& analysis, int head);
// How far an unrolled head's segments are moved from token 0: its first segment is shorter than
// the next (s2-fix-split's cu_seqlens [0, s, s+G, ...]); 0 for rolled heads and regular blocks.
int head_segment_offset(const Analysis& analysis, int head);
// Outlines the wrapped group's boxes (wrapped_group_boxes: four corner pieces) in the theme's one
// colour for it, so they read as one group.
void matrix_draw_wrapped_group(Figure& fig, const MatrixGrid& grid, const std::vector<CellBox>& boxes, const Style& style);
// The legend text for leak marks, saying what replaces the cross on tiny cells.
std::string leak_legend_label(const std::string& policy);

// Roll applied to `head` (0 when the head is not rolled or the variant is not grouped).
int head_roll(const Analysis& analysis, int head);

}  // namespace attnscope::figure
