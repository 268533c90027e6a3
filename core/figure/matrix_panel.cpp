#include "core/figure/matrix_panel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/base/progress_scope.hpp"
#include "core/figure/text_metrics.hpp"

namespace attnscope::figure {

namespace {

// Values are coloured by the nearest of the scale's 256 entries, as the GUI's shader does.
void draw_weight_cells(Figure& fig, const MatrixGrid& g, const RowRuns& mask,
                       const std::vector<float>& weights, const WeightScale& scale, const Style& style) {
  const auto& table = scale.table(style.colormap);
  std::array<std::vector<Box>, 256> buckets;
  for (int q = 0; q < mask.rows(); ++q) {
    int64_t i = mask.row_cell_offset(q);
    for (const Run r : mask.row(q)) {
      // Neighbouring cells of one colour become one rectangle.
      int start = r.begin, current = scale.color_index(weights[i]);
      for (int k = r.begin; k <= r.end; ++k, ++i) {
        const int c = k < r.end ? scale.color_index(weights[i]) : -1;
        if (c == current) continue;
        buckets[current].push_back({g.x + start * g.cell, g.y + q * g.cell, (k - start) * g.cell, g.cell});
        start = k, current = c;
      }
      --i;  // the sentinel step above advanced past the run
    }
  }
  for (int c = 0; c < 256; ++c)
    if (!buckets[c].empty()) fig.items.push_back(FillBoxes{table[c], std::move(buckets[c])});
}

// Large matrices become a raster of one pixel per cell, or per block of cells beyond 2048.
struct RasterBlocks {
  static constexpr int kMaxPixels = 2048;
  int block, rows, cols;
  explicit RasterBlocks(const MatrixGrid& g)
      : block((std::max(g.n, g.width()) + kMaxPixels - 1) / kMaxPixels),
        rows((g.n + block - 1) / block),
        cols((g.width() + block - 1) / block) {}
  size_t pixels() const { return static_cast<size_t>(rows) * cols; }
  size_t at(int q, int k) const { return static_cast<size_t>(q / block) * cols + k / block; }
};

// Large matrices: a pixel per cell, or over several cells the strongest of them: the largest
// weight, the score farthest from 0.
void draw_weight_raster(Figure& fig, const MatrixGrid& g, const RowRuns& mask,
                        const std::vector<float>& weights, const WeightScale& scale, const Style& style) {
  const RasterBlocks blocks(g);
  Raster raster{g.box(), blocks.cols, blocks.rows, std::vector<Rgb8>(blocks.pixels(), style.theme.masked)};
  const auto& table = scale.table(style.colormap);
  if (blocks.block == 1) {
    // Each cell is its own pixel: coloured straight from its value (NaN stays masked grey).
    for (int q = 0; q < mask.rows(); ++q) {
      progress_report(q, mask.rows());
      int64_t i = mask.row_cell_offset(q);
      Rgb8* row = raster.pixels.data() + blocks.at(q, 0);
      for (const Run r : mask.row(q))
        for (int k = r.begin; k < r.end; ++k, ++i)
          if (!std::isnan(weights[i])) row[k] = table[scale.color_index(weights[i])];
    }
    fig.items.push_back(std::move(raster));
    return;
  }
  std::vector<float> best(blocks.pixels(), std::numeric_limits<float>::quiet_NaN());
  for (int q = 0; q < mask.rows(); ++q) {
    progress_report(q, mask.rows());
    int64_t i = mask.row_cell_offset(q);
    for (const Run r : mask.row(q))
      for (int k = r.begin; k < r.end; ++k, ++i) {
        float& b = best[blocks.at(q, k)];
        if (std::isnan(b) || std::abs(weights[i]) > std::abs(b)) b = weights[i];
      }
  }
  for (size_t p = 0; p < best.size(); ++p)
    if (!std::isnan(best[p])) raster.pixels[p] = table[scale.color_index(best[p])];
  fig.items.push_back(std::move(raster));
}

std::string tick_label(int t) { return std::to_string(t); }

// Every token while the labels fit, then every 2nd, 4th, ... token; one step for both axes.
int tick_step(const MatrixGrid& g, double size) {
  const int count = std::max(g.n, g.width());
  int step = 1;
  if (count > 32)
    while (count / step > 16) step *= 2;
  const double widest = text_width(tick_label(std::max(g.row0 + g.n, g.col0 + g.width()) - 1), size);
  while (step < count && (widest > g.cell * step * 0.9 || size > g.cell * step * 1.05)) step *= 2;
  return step;
}

// Small cells get slightly smaller labels before labels get thinned out; never under the style's
// smallest text.
double tick_size(const MatrixGrid& g, const Style& style) {
  return std::max(style.min_text, std::min(style.tick, std::max(g.cell * 0.85, style.tick * 0.75)));
}

// Boxes over square blocks of `block` cells, one per stretch of blocks of a block row that hold
// a cell of the set.
void block_boxes(const MatrixGrid& g, const RowRuns& runs, int block, std::vector<Box>& boxes) {
  const int width = g.width(), block_cols = (width + block - 1) / block;
  std::vector<char> touched(static_cast<size_t>(block_cols));
  for (int row0 = 0; row0 < runs.rows(); row0 += block) {
    const int rows = std::min(block, runs.rows() - row0);
    std::fill(touched.begin(), touched.end(), 0);
    for (int q = row0; q < row0 + rows; ++q)
      for (const Run r : runs.row(q))
        if (r.begin < r.end) std::fill(touched.begin() + r.begin / block, touched.begin() + (r.end - 1) / block + 1, 1);
    for (int first = 0; first < block_cols;) {
      if (!touched[first]) {
        ++first;
        continue;
      }
      int end = first;
      while (end < block_cols && touched[end]) ++end;
      const int cells = std::min(end * block, width) - first * block;
      boxes.push_back({g.x + first * block * g.cell, g.y + row0 * g.cell, cells * g.cell, rows * g.cell});
      first = end;
    }
  }
}

}  // namespace

void matrix_draw_background(Figure& fig, const MatrixGrid& grid, Rgb8 color) {
  fig.items.push_back(FillBoxes{color, {grid.box()}});
}

void matrix_draw_weights(Figure& fig, const MatrixGrid& grid, const RowRuns& mask,
                         const std::vector<float>& weights, const WeightScale& scale, const Style& style) {
  if (grid.n > kMaxVectorCells) return draw_weight_raster(fig, grid, mask, weights, scale, style);
  matrix_draw_background(fig, grid, style.theme.masked);
  draw_weight_cells(fig, grid, mask, weights, scale, style);
}

void matrix_draw_runs(Figure& fig, const MatrixGrid& g, const RowRuns& runs, Rgb8 color) {
  FillBoxes fill{color, {}};
  // Cells under a point would vanish drawn a run a row (a leak row at N = 131072 is 0.002 pt
  // tall, and the leaking corner of a shifted head came out in the allowed colour): they are then
  // drawn by square blocks of at least a point, each painted when any of its cells is in the set,
  // as the raster of a large mask is.
  if (g.cell < 1.0) {
    block_boxes(g, runs, static_cast<int>(std::ceil(1.0 / g.cell)), fill.boxes);
  } else {
    for (int q = 0; q < runs.rows(); ++q)
      for (const Run r : runs.row(q))
        fill.boxes.push_back({g.x + r.begin * g.cell, g.y + q * g.cell, r.length() * g.cell, g.cell});
  }
  if (!fill.boxes.empty()) fig.items.push_back(std::move(fill));
}

void matrix_draw_layers(Figure& fig, const MatrixGrid& g, Rgb8 background, const std::vector<CellLayer>& layers) {
  int64_t runs = 0;
  for (const CellLayer& l : layers)
    for (int q = 0; q < l.runs->rows(); ++q) runs += l.runs->row(q).size();
  if (runs <= kMaxVectorRuns) {
    matrix_draw_background(fig, g, background);
    for (const CellLayer& l : layers) matrix_draw_runs(fig, g, *l.runs, l.color);
    return;
  }
  const RasterBlocks blocks(g);
  Raster raster{g.box(), blocks.cols, blocks.rows, std::vector<Rgb8>(blocks.pixels(), background)};
  // A run paints the pixels its first to last cell fall in: the work follows runs and pixels,
  // not cells (S2's groups at N = 131072 hold 2·10⁹ cells a head, 7 s when painted one by one).
  for (size_t layer = 0; layer < layers.size(); ++layer) {
    const CellLayer& l = layers[layer];
    for (int q = 0; q < l.runs->rows(); ++q) {
      progress_report(static_cast<int64_t>(layer) * l.runs->rows() + q, static_cast<int64_t>(layers.size()) * l.runs->rows());
      for (const Run r : l.runs->row(q)) {
        if (r.begin == r.end) continue;
        const size_t first = blocks.at(q, r.begin), last = blocks.at(q, r.end - 1);
        std::fill(raster.pixels.begin() + static_cast<ptrdiff_t>(first),
                  raster.pixels.begin() + static_cast<ptrdiff_t>(last) + 1, l.color);
      }
    }
  }
  fig.items.push_back(std::move(raster));
}

void matrix_draw_leaks(Figure& fig, const MatrixGrid& g, const RowRuns& leaks, const Style& style) {
  constexpr int64_t kMaxMarkedLeaks = 4096;  // beyond this the marks would dominate file size
  if (leaks.count() == 0) return;
  if (g.cell < kMinMarkedLeakCell || leaks.count() > kMaxMarkedLeaks)
    return matrix_draw_runs(fig, g, leaks, style.theme.leak);
  // Outline plus a cross: the red reads in colour, the cross survives greyscale printing.
  const double w = std::max(0.6, g.cell * 0.07);
  StrokeBoxes outline{style.theme.leak, w, {}, true};
  StrokeSegments cross{style.theme.leak, w, {}, true};
  for (const auto& [q, k] : leaks.cells()) {
    const double x = g.x + k * g.cell, y = g.y + q * g.cell, c = g.cell;
    outline.boxes.push_back({x + w / 2, y + w / 2, c - w, c - w});
    const double in = c * 0.22;
    cross.segments.push_back({x + in, y + in, x + c - in, y + c - in});
    cross.segments.push_back({x + c - in, y + in, x + in, y + c - in});
  }
  fig.items.push_back(std::move(outline));
  fig.items.push_back(std::move(cross));
}

void matrix_draw_groups(Figure& fig, const MatrixGrid& g, const std::vector<int>& boundaries,
                        const Style& style) {
  if (boundaries.empty()) return;
  // Lines closer than ~3 pt turn the matrix into a hatch pattern; leave them out then.
  int closest = g.n;
  for (size_t i = 0; i < boundaries.size(); ++i)
    closest = std::min(closest, boundaries[i] - (i ? boundaries[i - 1] : 0));
  if (closest * g.cell < 3.0) return;
  StrokeSegments lines{style.theme.group_boundary, std::max(0.5, std::min(1.2, g.cell * 0.12)), {}};
  const Box b = g.box();
  for (int t : boundaries) {
    if (const int col = t - g.col0; col > 0 && col < g.width())
      lines.segments.push_back({b.x + col * g.cell, b.y, b.x + col * g.cell, b.y + b.h});
    if (const int row = t - g.row0; row > 0 && row < g.n)
      lines.segments.push_back({b.x, b.y + row * g.cell, b.x + b.w, b.y + row * g.cell});
  }
  if (!lines.segments.empty()) fig.items.push_back(std::move(lines));
}

std::vector<int> matrix_empty_rows(const RowRuns& mask) {
  std::vector<int> out;
  for (int q = 0; q < mask.rows(); ++q)
    if (mask.row_count(q) == 0) out.push_back(q);
  return out;
}

StrokeSegments hatch_box(const Box& b, double spacing, Rgb8 color, double width) {
  StrokeSegments hatch{color, width, {}};
  // Lines of slope +1 (bottom left to top right), clipped to the box.
  for (double u = spacing / 2 - b.h; u < b.w; u += spacing) {
    const double x0 = b.x + std::max(u, 0.0), y0 = b.y + b.h + std::min(u, 0.0);
    const double over = std::max(u + b.h - b.w, 0.0);
    const double x1 = b.x + std::min(u + b.h, b.w), y1 = b.y + over;
    if (x1 > x0) hatch.segments.push_back({x0, y0, x1, y1});
  }
  return hatch;
}

void matrix_draw_empty_rows(Figure& fig, const MatrixGrid& g, const RowRuns& mask, const Style& style) {
  const std::vector<int> rows = matrix_empty_rows(mask);
  const Box b = g.box();
  for (size_t i = 0; i < rows.size();) {
    size_t j = i + 1;
    while (j < rows.size() && rows[j] == rows[j - 1] + 1) ++j;
    const Box band{b.x, b.y + rows[i] * g.cell, b.w, (rows[j - 1] + 1 - rows[i]) * g.cell};
    if (band.h < 2.0) {
      fig.items.push_back(FillBoxes{style.theme.axis, {band}});  // too thin to hatch: a dark line
    } else {
      fig.items.push_back(hatch_box(band, std::clamp(g.cell * 0.5, 2.0, 4.0), style.theme.axis,
                                    std::clamp(g.cell * 0.06, 0.3, 0.6)));
    }
    i = j;
  }
}

namespace {

// The widest token text among `count` tokens from `first`, at `size`; 0 without text.
double token_text_width(const MatrixGrid& g, const Style& style, int first, int count, double size) {
  if (!g.token_text) return 0;
  double widest = 0;
  const int end = std::min(first + count, static_cast<int>(style.token_labels.size()));
  for (int t = first; t < end; ++t) widest = std::max(widest, text_width(style.token_labels[t], size));
  return widest;
}

// Token text sits beyond the numbers, this far from them.
double token_text_gap(const Style& style) { return style.tick * 0.6; }

}  // namespace

void matrix_draw_axes(Figure& fig, const MatrixGrid& g, const Style& style, bool query_title) {
  const Box b = g.box();
  const Rgb8 axis = style.theme.axis;
  fig.items.push_back(StrokeBoxes{axis, style.line, {b}});
  const double size = tick_size(g, style);
  const int step = tick_step(g, size);
  const double tick_len = size * 0.35;
  StrokeSegments ticks{axis, style.line, {}};
  // Ticks on tokens that are multiples of the step, wherever a window starts.
  auto first_tick = [step](int first_token) { return (step - first_token % step) % step; };
  for (int t = first_tick(g.row0); t < g.n; t += step) {
    const double c = (t + 0.5) * g.cell;
    ticks.segments.push_back({b.x - tick_len, b.y + c, b.x, b.y + c});
    fig.items.push_back(Text{b.x - tick_len - 1.5, b.y + c, tick_label(g.row0 + t), size, style.theme.text,
                             Align::Right, Anchor::Middle});
  }
  for (int t = first_tick(g.col0); t < g.width(); t += step) {
    const double c = (t + 0.5) * g.cell;
    ticks.segments.push_back({b.x + c, b.y + b.h, b.x + c, b.y + b.h + tick_len});
    fig.items.push_back(Text{b.x + c, b.y + b.h + tick_len + 1, tick_label(g.col0 + t), size, style.theme.text,
                             Align::Center, Anchor::Top});
  }
  fig.items.push_back(std::move(ticks));
  if (g.token_text) {
    // Every token's text, the rows' left of their numbers and the columns' reading upwards below
    // theirs, so the numbers the captions use stay where they always are.
    const double number_width = text_width(tick_label(g.row0 + g.n - 1), size);
    const double row_right = b.x - tick_len - 1.5 - number_width - token_text_gap(style);
    for (int t = 0; t < g.n; ++t)
      fig.items.push_back(Text{row_right, b.y + (t + 0.5) * g.cell, style.token_labels[g.row0 + t], size,
                               style.theme.text, Align::Right, Anchor::Middle});
    const double column_top = b.y + b.h + tick_len + 1 + size * 1.2 + token_text_gap(style) * 0.5;
    for (int t = 0; t < g.width(); ++t)
      fig.items.push_back(Text{b.x + (t + 0.5) * g.cell, column_top, style.token_labels[g.col0 + t], size,
                               style.theme.text, Align::Right, Anchor::Middle, false, false, true});
  }
  const double label_gap = matrix_left_extent(g, style) - style.label * 0.2;
  if (query_title)
    fig.items.push_back(Text{b.x - label_gap, b.y + b.h / 2, "query (row)", style.label, style.theme.text,
                             Align::Center, Anchor::Top, false, false, true});
  fig.items.push_back(Text{b.x + b.w / 2, b.y + b.h + matrix_bottom_extent(g, style), "key (column)",
                           style.label, style.theme.text, Align::Center, Anchor::Baseline});
}

double matrix_left_extent(const MatrixGrid& shape, const Style& style) {
  const double text = token_text_width(shape, style, shape.row0, shape.n, style.tick);
  return text_width(tick_label(std::max(shape.row0 + shape.n - 1, 0)), style.tick) + style.tick * 0.35 + 1.5 +
         (text > 0 ? text + token_text_gap(style) : 0) + style.label * 1.5;
}

double matrix_bottom_extent(const MatrixGrid& shape, const Style& style) {
  const double text = token_text_width(shape, style, shape.col0, shape.width(), style.tick);
  return style.tick * 1.6 + (text > 0 ? text + token_text_gap(style) : 0) + style.label * 1.2;
}

bool matrix_token_text_fits(const MatrixGrid& grid, const Style& style) {
  const int last = std::max(grid.row0 + grid.n, grid.col0 + grid.width());
  return static_cast<int>(style.token_labels.size()) >= last && last > 0 && grid.cell >= tick_size(grid, style);
}

Rgb8 matrix_allowed_color(const Style& style) { return colormap_sample(style.colormap, 0.3f); }

const std::vector<int>& head_group_boundaries(const Analysis& analysis, int head) {
  static const std::vector<int> none;
  const auto& all = analysis.build.boundaries;
  return head < static_cast<int>(all.size()) ? all[head] : none;
}

int head_segment_offset(const Analysis& analysis, int head) {
  if (head_roll(analysis, head) != 0) return 0;
  const std::vector<int>& b = head_group_boundaries(analysis, head);
  return b.size() >= 2 && b[0] < b[1] - b[0] ? b[0] : 0;
}

void matrix_draw_wrapped_group(Figure& fig, const MatrixGrid& g, const std::vector<CellBox>& boxes, const Style& style) {
  // On the cell borders, and never wider than a fifth of a cell: cell centres keep their colour.
  const double lw = std::clamp(g.cell * 0.2, 0.4, 2.0);
  StrokeBoxes pieces{style.theme.wrapped_group, lw, {}};
  for (const CellBox& b : boxes)
    pieces.boxes.push_back({g.x + b.col_begin * g.cell, g.y + b.row_begin * g.cell, (b.col_end - b.col_begin) * g.cell,
                            (b.row_end - b.row_begin) * g.cell});
  fig.items.push_back(std::move(pieces));
}

std::string leak_legend_label(const std::string& policy) {
  return fmt::format("leak: allowed, but the {} policy forbids it (filled red where a cell is too small "
                     "for the cross)",
                     policy);
}

int head_roll(const Analysis& analysis, int head) {
  if (!analysis.build.frame) return 0;
  const HeadFrame& f = analysis.build.frame->heads[head];
  const int n = analysis.n();
  // slot_of_token[0] == shift mod n for a rolled frame; report it in torch.roll's sign.
  const int s = f.slot_of_token[0];
  return s == 0 ? 0 : (s > n / 2 ? s - n : s);
}

}  // namespace attnscope::figure
