#include "core/figure/panel_layout.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/figure/text_metrics.hpp"

namespace attnscope::figure {

int panel_columns(const Style& style, int count) {
  const int most = style.width < 300 ? 2 : 4;
  return std::max(1, std::min(count, most));
}

namespace {

PanelLayout layout_panels_as(const Style& style, const MatrixGrid& shape, int count, int cols, double y,
                             double reserve_right, double max_bottom) {
  PanelLayout out;
  out.header = style.label * 1.7;
  const int rows = (count + cols - 1) / cols;
  const double left = matrix_left_extent(shape, style), below = matrix_bottom_extent(shape, style);
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

}  // namespace

PanelLayout layout_panels(const Style& style, const MatrixGrid& shape, int count, int cols, double y,
                          double reserve_right, double max_bottom) {
  // Token text is shown when the panels laid out with room for it still have cells tall enough
  // to hold it; otherwise the room goes to the cells.
  MatrixGrid with_text = shape;
  with_text.token_text =
      static_cast<int>(style.token_labels.size()) >= std::max(shape.row0 + shape.n, shape.col0 + shape.width());
  if (with_text.token_text) {
    PanelLayout out = layout_panels_as(style, with_text, count, cols, y, reserve_right, max_bottom);
    if (!out.grids.empty() && matrix_token_text_fits(out.grids.front(), style)) return out;
  }
  MatrixGrid numbers_only = shape;
  numbers_only.token_text = false;
  return layout_panels_as(style, numbers_only, count, cols, y, reserve_right, max_bottom);
}

PanelLayout layout_panels(const Style& style, int n, int count, int cols, double y,
                          double reserve_right, double max_bottom) {
  MatrixGrid shape;
  shape.n = n;
  return layout_panels(style, shape, count, cols, y, reserve_right, max_bottom);
}

namespace {

// A header wider than `room` even at the smallest size (32 heads four to a row) would run into
// its neighbours: its middle " · " parts are left out, then all but the first ("head 16 ·
// 268435456 leaks", then "head 16").
std::string header_fitted(const std::string& text, double size, double room) {
  std::vector<std::string> parts;
  const std::string separator = " \u00b7 ";
  for (size_t start = 0;;) {
    const size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + separator.size();
  }
  std::string fitted = text;
  while (text_width(fitted, size, true) > room && parts.size() > 1) {
    parts.erase(parts.size() > 2 ? parts.end() - 2 : parts.end() - 1);
    fitted = parts.front();
    for (size_t i = 1; i < parts.size(); ++i) fitted += separator + parts[i];
  }
  return fitted;
}

}  // namespace

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
    size = std::max({style.tick * 0.8, style.min_text, size});
    // Headers are centred over their panels: one may span the distance between panel centres
    // before it meets its neighbour's.
    const double pitch = end - row > 1 ? layout.grids[row + 1].box().x - layout.grids[row].box().x
                                       : layout.grids[row].box().w * 1.5;
    for (size_t i = row; i < end; ++i) {
      const Box b = layout.grids[i].box();
      fig.items.push_back(Text{b.x + b.w / 2, b.y - layout.header * 0.35, header_fitted(texts[i], size, pitch * 0.95),
                               size, style.theme.text, Align::Center, Anchor::Baseline, true});
    }
  }
}

}  // namespace attnscope::figure
