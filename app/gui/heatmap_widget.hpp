#pragma once
// One head's heatmap with its overlays (group outlines, leak marks, labels, focus) and mouse
// handling; used by the heatmap view and the compare view.
#include <optional>

#include "app/gui/view_context.hpp"
#include "core/presentation/routed_row.hpp"

namespace attnscope {

struct HeatmapWidget {
  std::shared_ptr<const Analysis> analysis;
  int head = 0;
  float side = 0.f;         // matrix side in pixels
  float vmax = 1.f;         // top of the colour scale
  bool interactive = true;  // hover, pin, zoom and pan
  bool report = true;       // record the rectangle in the screen report
  StepCells cells = StepCells::Weights;  // what the current step has computed
  std::string title;  // the header's name for the matrix; empty: "head H"
};

// Height of the header line plus the tick margin above the matrix, and the margin on the left.
float heatmap_widget_top(const ViewContext& ctx);
float heatmap_widget_left(const ViewContext& ctx, int n);  // wide enough for the row labels of N tokens

// How head `head`'s heatmap colours its cells at this step (core's cells_drawn rule): values when
// the analysis holds them, or a job has computed them for its image or (`interactive`: zoom and
// pan apply) for the zoomed view on screen; else the allowed cells. The legend asks the same.
CellsDrawn heatmap_drawn(const AppState& state, const Analysis& a, int head, StepCells cells, bool interactive);

// Draws at the cursor and advances it by the widget's size.
void heatmap_widget(ViewContext& ctx, const HeatmapWidget& widget);

// Where a large analysis's image is not on screen yet: the matrix [m0, m1] in the masked colour
// with the job's progress across its middle ("building the image 40%"; without `done`, waiting
// for its upload).
void heatmap_building_draw(ImDrawList* list, ImVec2 m0, ImVec2 m1, const Theme& theme, std::optional<float> done);

// `count` square matrices of `a` in a grid that fills `avail` (minus `reserved_h` for lines
// above and below, besides each matrix's header and metrics line): the column count that gives
// the largest matrices, their side, and the gap between them.
struct HeatmapGrid {
  int cols = 1;
  float side = 0.f;
  float gap = 0.f;
};
HeatmapGrid heatmap_grid(ViewContext& ctx, const Analysis& a, int count, ImVec2 avail, float reserved_h);

}  // namespace attnscope
