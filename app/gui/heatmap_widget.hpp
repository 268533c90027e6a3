#pragma once
// One head's heatmap with its overlays (group outlines, leak marks, labels, focus) and mouse
// handling; used by the heatmap view and the compare view.
#include "app/gui/view_context.hpp"

namespace attnscope {

struct HeatmapWidget {
  std::shared_ptr<const Analysis> analysis;
  int head = 0;
  float side = 0.f;         // matrix side in pixels
  float vmax = 1.f;         // top of the colour scale
  bool interactive = true;  // hover, pin, zoom and pan
  bool report = true;       // record the rectangle in the screen report
  float reveal = 1.f;
};

// Height of the header line plus the tick margin above the matrix, and the margin on the left.
float heatmap_widget_top(const ViewContext& ctx);
float heatmap_widget_left(const ViewContext& ctx);

// Draws at the cursor and advances it by the widget's size.
void heatmap_widget(ViewContext& ctx, const HeatmapWidget& widget);

}  // namespace attnscope
