#include "core/figure/panel_layout.hpp"

#include <algorithm>
#include <cmath>

#include "core/figure/text_metrics.hpp"

namespace attnscope::figure {

int panel_columns(const Style& style, int count) {
  const int most = style.width < 300 ? 2 : 4;
  return std::max(1, std::min(count, most));
}

PanelLayout layout_panels(const Style& style, int n, int count, int cols, double y,
                          double reserve_right, double max_bottom) {
  PanelLayout out;
  out.header = style.label * 1.7;
  const int rows = (count + cols - 1) / cols;
  const double left = matrix_left_extent(n, style), below = matrix_bottom_extent(style);
  const double avail = style.width - 2 * style.margin - reserve_right;
  double side = (avail - cols * left - (cols - 1) * style.gap) / cols;
  if (max_bottom > 0)
    side = std::min(side, (max_bottom - y - rows * (out.header + below) - (rows - 1) * style.gap) / rows);
  // A single panel on a wide page would be huge; keep it near the height of a page column.
  side = std::max(std::min(side, style.width * 0.62), 20.0);
  const double cell = side / n;
  side = cell * n;
  const double used = cols * (left + side) + (cols - 1) * style.gap + reserve_right;
  const double x0 = style.margin + std::max(0.0, (style.width - 2 * style.margin - used) / 2);
  for (int i = 0; i < count; ++i) {
    const int r = i / cols, c = i % cols;
    out.grids.push_back({x0 + c * (left + side + style.gap) + left,
                         y + r * (out.header + side + below + style.gap) + out.header, cell, n});
  }
  out.right = x0 + cols * (left + side) + (cols - 1) * style.gap;
  out.bottom = y + rows * (out.header + side + below) + (rows - 1) * style.gap;
  return out;
}

void draw_panel_header(Figure& fig, const Style& style, const MatrixGrid& grid, double header,
                       const std::string& text) {
  const Box b = grid.box();
  // Narrow panels (many variants side by side) get smaller headers rather than overlapping ones.
  const double room = b.w * 1.1;
  const double size = std::max(style.tick * 0.8, std::min(style.label, style.label * room / text_width(text, style.label, true)));
  fig.items.push_back(Text{b.x + b.w / 2, b.y - header * 0.35, text, size, style.theme.text,
                           Align::Center, Anchor::Baseline, true});
}

}  // namespace attnscope::figure
