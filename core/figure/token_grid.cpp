#include "core/figure/token_grid.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/figure/text_metrics.hpp"
#include "core/presentation/token_motion.hpp"

namespace attnscope::figure {

namespace {

std::vector<int> rows_of_batch(const Step& step, int batch) {
  std::vector<int> rows;
  for (int r = 0; r < step.rows; ++r)
    if (step.batch.empty() || step.batch[r] == batch) rows.push_back(r);
  return rows;
}

// Each head has its own groups (SF's shifted heads are cut elsewhere than the others).
bool new_group(const Step& step, int prev, int row, int head) {
  const int g = step.group(row, head);
  return g >= 0 && g != step.group(prev, head);
}

}  // namespace

std::vector<LegendEntry> token_color_legend(const Analysis& a, const Step* step, Rgb8 mark_color) {
  std::vector<LegendEntry> out;
  // The colour runs along the sequence: a few stops of the ramp, first and last token included.
  const int n = a.n();
  const int stops = std::min(n, 5);
  for (int i = 0; i < stops; ++i) {
    const int token = stops > 1 ? static_cast<int>(std::lround(static_cast<double>(i) * (n - 1) / (stops - 1))) : 0;
    out.push_back({LegendEntry::Kind::Swatch, token_color(token, n),
                   i == 0 ? fmt::format("token {} (first)", token)
                   : i + 1 == stops ? fmt::format("token {} (last)", token)
                                    : fmt::format("token {}", token)});
  }
  if (step && !step->marked.empty())
    out.push_back({LegendEntry::Kind::Outline, mark_color,
                   fmt::format("{} token{} (outlined)", step->marked_name, step->marked.size() == 1 ? "" : "s")});
  return out;
}

int token_grid_gaps(const Step& step, int batch) {
  const std::vector<int> rows = rows_of_batch(step, batch);
  int most = 0;
  for (int h = 0; h < step.heads; ++h) {
    int gaps = 0;
    for (size_t i = 1; i < rows.size(); ++i) gaps += new_group(step, rows[i - 1], rows[i], h);
    most = std::max(most, gaps);
  }
  return most;
}

namespace {

// Room for the "head 1" labels left of the strips.
double head_labels_width(const Style& style, const Step& step) {
  double width = 0;
  for (int h = 0; h < step.heads; ++h) width = std::max(width, text_width(fmt::format("head {}", h), style.label));
  return width + style.label * 0.6;
}

}  // namespace

double token_grid_cell(const Style& style, const Step& step, double width, const TokenGridOptions& o) {
  const int positions = static_cast<int>(rows_of_batch(step, o.batch).size());
  const int gaps = o.reserve_gaps >= 0 ? o.reserve_gaps : token_grid_gaps(step, o.batch);
  // Positions run left to right in the units of the shared motion model (one per position plus
  // kGroupGap between groups of each head), so the figure moves tokens exactly as the GUI's grid does.
  const double extent = positions + gaps * kGroupGap;
  return std::min(o.max_cell, (width - head_labels_width(style, step)) / extent);
}

double token_grid_number_size(const Style& style, double cell) { return std::min(cell * 0.6, style.label); }

double draw_token_grid(Figure& fig, const Style& style, const Step& step, double x, double y, double width,
                       const TokenGridOptions& o) {
  const int positions = static_cast<int>(rows_of_batch(step, o.batch).size());
  const double label_size = style.label;
  const double label_w = head_labels_width(style, step);
  const double cell = token_grid_cell(style, step, width, o);
  const double strip_gap = cell * 0.18;
  const bool tween = o.from && o.t < 1;
  const Step& from = tween ? *o.from : step;
  const float t = tween ? static_cast<float>(o.t) : 1.f;
  const std::vector<TokenPose> rest = token_poses(step, o.batch);
  const std::vector<TokenPose> poses = tween ? token_poses_between(from, step, t, o.batch) : rest;
  // Cells clip to the rows the grid has at this moment, as in the GUI, not to the room reserved
  // for the widest step: a wrapping token re-enters at the last position.
  const double grid_x0 = x + label_w, grid_x1 = grid_x0 + token_grid_rows(from, step, t) * cell;

  if (o.position_ticks) {
    const double size = std::min(style.tick, cell * 0.7);
    int every = 1;
    while (text_width(std::to_string(positions - 1), size) > cell * every * 0.9) every *= 2;
    // Poses are head-major: the first `positions` are head 0's, in position order.
    for (int i = 0; i < positions && i < static_cast<int>(rest.size()); i += every)
      fig.items.push_back(Text{grid_x0 + (rest[i].row + 0.5) * cell, y + size * 0.2, std::to_string(i), size,
                               style.theme.axis, Align::Center, Anchor::Top});
    fig.items.push_back(Text{x + label_w - style.label * 0.6, y + size * 0.2, "position", size, style.theme.axis,
                             Align::Right, Anchor::Top});
    y += size * 1.5;
  }

  const double label_font = token_grid_number_size(style, cell);
  const bool labels = cell >= 5.0 && label_font >= style.min_text;
  const double inset = std::max(0.25, cell * 0.04);  // a hairline between cells keeps them countable
  std::map<uint32_t, FillBoxes> fills;  // by colour, so equal cells share one path
  StrokeBoxes marks{style.theme.text, std::max(1.0, cell * 0.12), {}};  // the step's marked tokens
  std::vector<Text> texts;
  for (int h = 0; h < step.heads; ++h)
    fig.items.push_back(Text{x + label_w - label_size * 0.6, y + h * (cell + strip_gap) + cell / 2,
                             fmt::format("head {}", h), label_size, style.theme.text, Align::Right, Anchor::Middle});
  // A cell mid-wrap is drawn twice, leaving at one edge and entering at the other, each clipped
  // to the grid.
  auto draw = [&](const TokenPose& pose, double row, bool moving) {
    const double sy = y + pose.head * (cell + strip_gap);
    const double x0 = std::max(grid_x0, grid_x0 + row * cell + inset);
    const double x1 = std::min(grid_x1, grid_x0 + (row + 1) * cell - inset);
    if (x1 <= x0) return;
    const Rgb8 c = token_color(pose.token, positions);
    const uint32_t key = (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b;
    fills.try_emplace(key, FillBoxes{c, {}, true}).first->second.boxes.push_back(
        {x0, sy + inset, x1 - x0, cell - 2 * inset});
    if (std::find(step.marked.begin(), step.marked.end(), pose.token) != step.marked.end())
      marks.boxes.push_back({x0, sy + inset, x1 - x0, cell - 2 * inset});
    // Between steps a moving cell passes over others; its label would print over theirs
    // ("140 151"), so only cells that stay put keep their labels until they land.
    if (labels && !moving && x1 - x0 > cell * 0.6)
      texts.push_back(Text{(x0 + x1) / 2, sy + cell / 2, std::to_string(pose.token), label_font, text_color_on(c),
                           Align::Center, Anchor::Middle});
  };
  for (size_t i = 0; i < poses.size(); ++i) {
    const TokenPose& pose = poses[i];
    // poses and rest list the same (head, position) cells in the same order.
    const bool moving = i < rest.size() && (std::abs(pose.row - rest[i].row) > 0.01f || pose.wrap_row);
    draw(pose, pose.row, moving);
    if (pose.wrap_row) draw(pose, *pose.wrap_row, moving);
  }
  for (auto& [key, fill] : fills) fig.items.push_back(std::move(fill));
  if (!marks.boxes.empty()) fig.items.push_back(std::move(marks));
  for (Text& t : texts) fig.items.push_back(std::move(t));
  return y + step.heads * (cell + strip_gap);
}

}  // namespace attnscope::figure
