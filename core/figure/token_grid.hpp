#pragma once
// A step's token-by-head plane: one strip per head, memory positions left to right, each cell
// holding an original token in its own colour (core/presentation/token_motion.hpp, shared with the GUI), so
// moves (roll, grouping) show.
#include "core/analysis/analysis.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/model.hpp"
#include "core/figure/style.hpp"

namespace attnscope::figure {

struct TokenGridOptions {
  int batch = 0;
  double max_cell = 28;   // points
  bool position_ticks = true;
  int reserve_gaps = -1;  // group gaps to leave room for (-1: this step's), so frames align
  // Animation: cells drawn a fraction t of the way from their token's place in `from`, moved by
  // token_poses_between (the short way round a wrap).
  const Step* from = nullptr;
  double t = 1;
};

// Draws at (x, y) within `width`; returns the y below the grid.
double draw_token_grid(Figure& fig, const Style& style, const Step& step,
                       double x, double y, double width, const TokenGridOptions& options);
// The side of a cell draw_token_grid draws `step` with in `width`, and the size of the token
// number inside a cell of that side (a number under the style's smallest text is left out).
double token_grid_cell(const Style& style, const Step& step, double width, const TokenGridOptions& options);
double token_grid_number_size(const Style& style, double cell);
// Number of gaps between groups the step shows for one sequence.
int token_grid_gaps(const Step& step, int batch);
// Legend entries "token 0 (first)", ..., "token 15 (last)": stops of the token colours along the
// sequence, and the step's marked tokens (SF's sinks) when it has any.
std::vector<LegendEntry> token_color_legend(const Analysis& analysis, const Step* step = nullptr,
                                            Rgb8 mark_color = {});

}  // namespace attnscope::figure
