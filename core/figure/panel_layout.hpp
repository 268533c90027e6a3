#pragma once
// Matrix panels in a grid, sized to the page width (and, for slides, the page height).
#include <string>
#include <vector>

#include "core/figure/matrix_panel.hpp"

namespace attnscope::figure {

struct PanelLayout {
  std::vector<MatrixGrid> grids;  // one per panel, row-major
  double header = 0;              // height of the text line above each matrix
  double right = 0;               // x right of the last column's cells
  double bottom = 0;              // y below the last row, axes included
};

// `reserve_right`: room kept on the right (a colorbar). `max_bottom` > 0 caps the panels' bottom.
// Every panel has the cells and token labels of `shape` (its x, y and cell are chosen here).
PanelLayout layout_panels(const Style& style, const MatrixGrid& shape, int count, int cols, double y,
                          double reserve_right, double max_bottom);
// Square N×N panels.
PanelLayout layout_panels(const Style& style, int n, int count, int cols, double y,
                          double reserve_right, double max_bottom);
// The share of a slide's width a text column beside the panels takes at least.
constexpr double kSlideTextColumn = 0.3;
// Columns for `count` panels on this page size.
int panel_columns(const Style& style, int count);
// Text centred above each panel's cells (`texts[i]` above `layout.grids[i]`). Narrow panels get
// smaller headers rather than overlapping ones, and every header of a row of `cols` panels gets
// the same size: the largest at which all of them fit.
void draw_panel_headers(Figure& fig, const Style& style, const PanelLayout& layout, int cols,
                        const std::vector<std::string>& texts);

}  // namespace attnscope::figure
