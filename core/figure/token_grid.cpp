#include "core/figure/token_grid.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/figure/text_metrics.hpp"

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

Rgb8 label_color(Rgb8 fill) {
  const double luma = 0.299 * fill.r + 0.587 * fill.g + 0.114 * fill.b;
  return luma > 140 ? Rgb8{0, 0, 0} : Rgb8{255, 255, 255};
}

}  // namespace

const std::string& step_caption(const Analysis& a, const Step& step) {
  const auto custom = a.scene.captions.find(step.name);
  return custom != a.scene.captions.end() ? custom->second : step.explanation;
}

std::vector<LegendEntry> token_block_legend(const Analysis& a, const Step* step, Rgb8 mark_color) {
  std::vector<LegendEntry> out;
  const int g = std::max(1, a.scene.g), blocks = (a.n() + g - 1) / g;
  // Colours repeat after seven blocks; listing more would suggest they do not.
  for (int b = 0; b < std::min(blocks, 7); ++b)
    out.push_back({LegendEntry::Kind::Swatch, token_color(a, b * g),
                   fmt::format("tokens {}\u2013{}", b * g, std::min(a.n(), (b + 1) * g) - 1)});
  if (step && !step->marked.empty())
    out.push_back({LegendEntry::Kind::Outline, mark_color,
                   fmt::format("{} token{} (outlined)", step->marked_name, step->marked.size() == 1 ? "" : "s")});
  return out;
}

Rgb8 token_color(const Analysis& a, int token) { return category_color(token / std::max(1, a.scene.g)); }

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

double draw_token_grid(Figure& fig, const Style& style, const Analysis& a, const Step& step, double x,
                       double y, double width, const TokenGridOptions& o) {
  const std::vector<int> rows = rows_of_batch(step, o.batch);
  const int positions = static_cast<int>(rows.size());
  const int gaps = o.reserve_gaps >= 0 ? o.reserve_gaps : token_grid_gaps(step, o.batch);
  const double label_size = style.label;
  double label_w = 0;
  for (int h = 0; h < step.heads; ++h) label_w = std::max(label_w, text_width(fmt::format("head {}", h), label_size));
  label_w += label_size * 0.6;
  constexpr double kGapCells = 0.5;
  const double cell = std::min(o.max_cell, (width - label_w) / (positions + gaps * kGapCells));
  const double strip_gap = cell * 0.18;

  // x of each position of head h, with a half-cell gap where a new group of that head starts.
  auto positions_x = [&](const Step& st, const std::vector<int>& st_rows, int h) {
    std::vector<double> out(st_rows.size());
    double cx = x + label_w;
    for (size_t i = 0; i < st_rows.size(); ++i) {
      if (i > 0 && new_group(st, st_rows[i - 1], st_rows[i], h)) cx += cell * kGapCells;
      out[i] = cx;
      cx += cell;
    }
    return out;
  };
  std::vector<std::vector<double>> px;
  for (int h = 0; h < step.heads; ++h) px.push_back(positions_x(step, rows, h));
  // Between two steps each cell slides from where its token sat in the previous step (same
  // head, same sequence): provenance, not position, decides where it comes from.
  std::vector<std::map<int, double>> from_x;  // per head: token -> x in the previous step
  if (o.from && o.t < 1) {
    const std::vector<int> from_rows = rows_of_batch(*o.from, o.batch);
    from_x.resize(step.heads);
    for (int h = 0; h < step.heads; ++h) {
      const std::vector<double> fx = positions_x(*o.from, from_rows, h);
      for (size_t i = 0; i < from_rows.size(); ++i) from_x[h].try_emplace(o.from->token(from_rows[i], h), fx[i]);
    }
  }
  const double ease = o.t * o.t * (3 - 2 * o.t);  // smoothstep: starts and lands gently
  auto cell_x = [&](int i, int h) {
    if (from_x.empty()) return px[h][i];
    const auto it = from_x[h].find(step.token(rows[i], h));
    return it == from_x[h].end() ? px[h][i] : it->second + (px[h][i] - it->second) * ease;
  };

  if (o.position_ticks) {
    const double size = std::min(style.tick, cell * 0.7);
    int every = 1;
    while (text_width(std::to_string(positions - 1), size) > cell * every * 0.9) every *= 2;
    for (int i = 0; i < positions; i += every)
      fig.items.push_back(Text{px[0][i] + cell / 2, y + size * 0.2, std::to_string(i), size, style.theme.axis,
                               Align::Center, Anchor::Top});
    fig.items.push_back(Text{x + label_w - style.label * 0.6, y + size * 0.2, "position", size, style.theme.axis,
                             Align::Right, Anchor::Top});
    y += size * 1.5;
  }

  const bool labels = cell >= 5.0;
  const double label_font = std::min(cell * 0.6, style.label);
  std::map<uint32_t, FillBoxes> fills;  // by colour, so equal cells share one path
  StrokeBoxes marks{style.theme.text, std::max(1.0, cell * 0.12), {}};  // the step's marked tokens
  std::vector<Text> texts;
  for (int h = 0; h < step.heads; ++h) {
    const double sy = y + h * (cell + strip_gap);
    std::string name = fmt::format("head {}", h);
    fig.items.push_back(Text{x + label_w - label_size * 0.6, sy + cell / 2, name, label_size, style.theme.text,
                             Align::Right, Anchor::Middle});
    for (int i = 0; i < positions; ++i) {
      const int token = step.token(rows[i], h);
      const Rgb8 c = token_color(a, token);
      const uint32_t key = (uint32_t{c.r} << 16) | (uint32_t{c.g} << 8) | c.b;
      auto& fill = fills.try_emplace(key, FillBoxes{c, {}, true}).first->second;
      // A hairline of background between cells keeps neighbours of one block countable.
      const double inset = std::max(0.25, cell * 0.04);
      const double cx = cell_x(i, h);
      fill.boxes.push_back({cx + inset, sy + inset, cell - 2 * inset, cell - 2 * inset});
      if (std::find(step.marked.begin(), step.marked.end(), token) != step.marked.end())
        marks.boxes.push_back({cx + inset, sy + inset, cell - 2 * inset, cell - 2 * inset});
      // Between steps a moving cell passes over others; its label would print over theirs
      // ("140 151"), so only cells that stay put keep their labels until they land.
      const bool moving = std::abs(cx - px[h][i]) > 0.01;
      if (labels && !moving)
        texts.push_back(Text{cx + cell / 2, sy + cell / 2, std::to_string(token), label_font, label_color(c),
                             Align::Center, Anchor::Middle});
    }
  }
  for (auto& [key, fill] : fills) fig.items.push_back(std::move(fill));
  if (!marks.boxes.empty()) fig.items.push_back(std::move(marks));
  for (Text& t : texts) fig.items.push_back(std::move(t));
  return y + step.heads * (cell + strip_gap);
}

}  // namespace attnscope::figure
