#include "core/figure/panel_layout.hpp"

#include <algorithm>
#include <cmath>

#include "core/figure/text_metrics.hpp"

namespace attnscope::figure {

int panel_columns(const Style& style, int count) {
  const int most = style.width < 300 ? 2 : 4;
  return std::max(1, std::min(count, most));
}

PanelLayout layout_panels(const Style& style, const MatrixGrid& shape, int count, int cols, double y,
                          double reserve_right, double max_bottom) {
  PanelLayout out;
  out.header = style.label * 1.7;
  const int rows = (count + cols - 1) / cols;
  const double left = matrix_left_extent(shape.row0 + shape.n - 1, style), below = matrix_bottom_extent(style);
  const double avail = style.width - 2 * style.margin - reserve_right;
  // `side` is the longer edge of a panel's cells.
  const int longer = std::max(shape.n, shape.width());
  const double aspect = static_cast<double>(shape.width()) / longer;  // width over the longer edge
  double side = (avail - cols * left - (cols - 1) * style.gap) / (cols * aspect);
  if (max_bottom > 0)
    side = std::min(side, (max_bottom - y - rows * (out.header + below) - (rows - 1) * style.gap) /
                              (rows * static_cast<double>(shape.n) / longer));
  // A single panel on a wide page would be huge; keep it near the height of a page column.
  side = std::max(std::min(side, style.width * 0.62), 20.0);
  const double cell = side / longer;
  const double width = cell * shape.width(), height = cell * shape.n;
  const double used = cols * (left + width) + (cols - 1) * style.gap + reserve_right;
  const double x0 = style.margin + std::max(0.0, (style.width - 2 * style.margin - used) / 2);
  for (int i = 0; i < count; ++i) {
    const int r = i / cols, c = i % cols;
    MatrixGrid grid = shape;
    grid.x = x0 + c * (left + width + style.gap) + left;
    grid.y = y + r * (out.header + height + below + style.gap) + out.header;
    grid.cell = cell;
    out.grids.push_back(grid);
  }
  out.right = x0 + cols * (left + width) + (cols - 1) * style.gap;
  out.bottom = y + rows * (out.header + height + below) + (rows - 1) * style.gap;
  return out;
}

PanelLayout layout_panels(const Style& style, int n, int count, int cols, double y,
                          double reserve_right, double max_bottom) {
  MatrixGrid shape;
  shape.n = n;
  return layout_panels(style, shape, count, cols, y, reserve_right, max_bottom);
}

void draw_panel_headers(Figure& fig, const Style& style, const PanelLayout& layout, int cols,
                        const std::vector<std::string>& texts) {
  const size_t count = std::min(texts.size(), layout.grids.size());
  for (size_t row = 0; row < count; row += cols) {
    const size_t end = std::min(count, row + cols);
    double size = style.label;
    for (size_t i = row; i < end; ++i) {
      const double room = layout.grids[i].box().w * 1.1;
      size = std::min(size, style.label * room / text_width(texts[i], style.label, true));
    }
    size = std::max(style.tick * 0.8, size);
    for (size_t i = row; i < end; ++i) {
      const Box b = layout.grids[i].box();
      fig.items.push_back(Text{b.x + b.w / 2, b.y - layout.header * 0.35, texts[i], size,
                               style.theme.text, Align::Center, Anchor::Baseline, true});
    }
  }
}

}  // namespace attnscope::figure
