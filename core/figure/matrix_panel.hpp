#pragma once
// An N×N attention matrix on the page: queries as rows from the top, keys as columns from the
// left, with the cell encodings every view shares (weights, binary masks, leaks, groups).
#include <vector>

#include "core/analysis.hpp"
#include "core/figure/model.hpp"
#include "core/figure/style.hpp"

namespace attnscope::figure {

struct MatrixGrid {
  double x = 0, y = 0;  // top-left corner of cell (0, 0)
  double cell = 1;      // points per cell
  int n = 0;
  Box box() const { return {x, y, cell * n, cell * n}; }
};

// Per-cell vector rectangles up to this N; above it weights are embedded as a raster.
constexpr int kMaxVectorCells = 128;
// Leak cells at least this large (points) get an outline and a cross; smaller ones are filled.
constexpr double kMinMarkedLeakCell = 4.0;

// Masked background plus the allowed cells coloured by weight / vmax.
void matrix_draw_weights(Figure& fig, const MatrixGrid& grid, const RowRuns& mask,
                         const std::vector<float>& weights, float vmax, const Style& style);
// One rectangle per run per row: stays small at any N.
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
// Lines before each token in `boundaries` (tokens where a new group starts), across both axes.
void matrix_draw_groups(Figure& fig, const MatrixGrid& grid, const std::vector<int>& boundaries,
                        const Style& style);
// Frame, ticks, tick labels and the axis titles "key (column)" and, when `query_title`,
// "query (row)" (panels after the first in a row share the first one's).
void matrix_draw_axes(Figure& fig, const MatrixGrid& grid, const Style& style, bool query_title = true);

// Top of the weight colour scale: the 99th percentile of the shown weights. A long row spreads
// its softmax thin, and one query with a single key (weight 1) would otherwise leave every
// other cell at the dark end of the colormap; the brightest 1% saturate instead.
struct WeightScale {
  float vmax = 1;
  bool clipped = false;  // some weights lie above vmax (the colorbar says "≥")
};
WeightScale weight_scale(const std::vector<const std::vector<float>*>& weights);

// Room the axes need left of and below the cells.
double matrix_left_extent(int n, const Style& style);
double matrix_bottom_extent(const Style& style);

// The colour of allowed cells in binary-mask figures.
Rgb8 matrix_allowed_color(const Style& style);
// Tokens where a new group begins for `head`, in original order; empty for ungrouped variants.
std::vector<int> head_group_boundaries(const Analysis& analysis, int head);
// Roll applied to `head` (0 when the head is not rolled or the variant is not grouped).
int head_roll(const Analysis& analysis, int head);

}  // namespace attnscope::figure
