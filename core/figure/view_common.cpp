#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/values_window.hpp"
#include "core/base/digits.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/params_text.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/scene.hpp"

namespace attnscope::figure {

std::vector<int> heads_selected(const Analysis& analysis, const FigureOptions& options) {
  std::vector<int> heads = options.heads;
  if (heads.empty())
    for (int h = 0; h < analysis.heads(); ++h) heads.push_back(h);
  for (int h : heads)
    if (h < 0 || h >= analysis.heads())
      throw SceneError(fmt::format("heads: {} is not a head of this scene; use 0..{}", h,
                                   analysis.heads() - 1));
  if (options.batch < 0 || options.batch >= analysis.scene.batch)
    throw SceneError(fmt::format("batch: {} is not in this scene's batch; use 0..{}", options.batch,
                                 analysis.scene.batch - 1));
  return heads;
}

std::string shift_text(int shift) {
  return fmt::format("{}{}", shift < 0 ? "\u2212" : "+", std::abs(shift));
}

std::string scene_summary(const Analysis& analysis) {
  const Scene& s = analysis.scene;
  // The sizes read grouped like the title's and the axes' ("N=8,192 · G=2,048"); the q, k, v
  // source after them may be a file name, whose digits stay as they are.
  std::string out = counts_grouped(fmt::format("{} \u00b7 N={} \u00b7 H={}", s.variant, s.n, s.heads) +
                                   shaping_params_tail(analysis));
  out += fmt::format(" \u00b7 {} policy \u00b7 {}", s.policy, qkv_source_text(s));
  if (s.batch > 1) out += fmt::format(" \u00b7 batch {}", s.batch);
  return out;
}

std::string figure_title(const Analysis& analysis, const FigureOptions& options, const std::string& what) {
  if (!options.title.empty()) return options.title;
  if (!analysis.scene.title.empty()) return analysis.scene.title;
  return fmt::format("{}: {}", analysis.scene.variant, what);
}

std::string figure_caption(const Analysis& analysis, const FigureOptions& options) {
  // A deck's pages each carry their own text; the scene's caption would repeat on every page and
  // take the room the projector type needs.
  if (figure_is_deck(options) && options.caption.empty()) return "";
  return options.caption.empty() ? analysis.scene.caption : options.caption;
}

int default_token_step(const Analysis& analysis) {
  const int grouped = analysis.trace().find("group-reshape");
  return grouped >= 0 ? grouped : static_cast<int>(analysis.trace().steps.size()) - 1;
}

bool shows_group_boundary(const MatrixGrid& shape, const std::vector<int>& boundaries) {
  return std::any_of(boundaries.begin(), boundaries.end(), [&](int t) {
    return (t > shape.row0 && t < shape.row0 + shape.n) || (t > shape.col0 && t < shape.col0 + shape.width());
  });
}

MatrixGrid window_shape(const Analysis& a, const FigureOptions& o) {
  MatrixGrid shape;
  shape.n = a.n();
  if (!o.windowed()) return shape;
  const TokenRange rows = o.rows.whole() ? TokenRange{0, a.n()} : o.rows;
  const TokenRange keys = o.keys.whole() ? TokenRange{0, a.n()} : o.keys;
  for (const auto& [name, range] : {std::pair{"rows", rows}, std::pair{"keys", keys}})
    if (range.end > a.n())
      throw SceneError(fmt::format("{0}: {1}:{2} reaches past the last token {3}; give --{0} within 0:{4}",
                                   name, range.begin, range.end, a.n() - 1, a.n()));
  shape.n = rows.end - rows.begin;
  shape.cols = keys.end - keys.begin;
  shape.row0 = rows.begin;
  shape.col0 = keys.begin;
  return shape;
}

StepCells heatmap_cells(const Analysis& a, const FigureOptions& o) {
  if (o.mask_only) return StepCells::Pattern;
  return o.step >= 0 ? step_cells(a, o.step) : StepCells::Weights;
}

CellsDrawn heatmap_drawn(const Analysis& a, const FigureOptions& o) {
  return cells_drawn(heatmap_cells(a, o), a.has_values() || o.windowed());
}

namespace {

// Every cell the scores step computes (for a variant with groups, each group's whole square) with
// its raw score; while N×N scores fit (kStepScoresMaxN), else the allowed cells' as the GUI does.
bool raw_scores_cells(const Analysis& a, int h, HeadCells& cells) {
  const std::vector<float> dense = step_scores(a, h);
  if (dense.empty()) return false;
  const int n = a.n();
  RowRuns computed(n, n);
  for (int q = 0; q < n; ++q) {
    std::vector<int32_t> columns;
    for (int k = 0; k < n; ++k)
      if (const float s = dense[static_cast<size_t>(q) * n + k]; !std::isnan(s)) {
        columns.push_back(k);
        cells.computed.push_back(s);
      }
    computed.append_row_from_columns(std::move(columns));
  }
  cells.mask = std::move(computed);
  return true;
}

}  // namespace

HeadCells head_cells(const Analysis& a, int h, const FigureOptions& o) {
  const StepCells shown = heatmap_cells(a, o);
  const bool scores = shown == StepCells::Scores || shown == StepCells::MaskedScores;
  if (!o.windowed()) {
    HeadCells cells{a.mask(h), a.leaks[h], a.mask(h), nullptr, {}};
    // The raw scores come before the mask: nothing leaks yet.
    if (shown == StepCells::Scores) cells.leaks = RowRuns::empty(a.n(), a.n());
    if (heatmap_drawn(a, o) == CellsDrawn::Allowed) return cells;  // no values to draw
    if (shown == StepCells::Scores && raw_scores_cells(a, h, cells)) return cells;
    if (shown != StepCells::Pattern) cells.stored = scores ? &a.attention.head(o.batch, h).scores : &a.attention.head(o.batch, h).weights;
    return cells;
  }
  const MatrixGrid w = window_shape(a, o);
  const int row_end = w.row0 + w.n, key_end = w.col0 + w.width();
  HeadCells cells{runs_window(a.mask(h), w.row0, row_end, w.col0, key_end),
                  runs_window(a.leaks[h], w.row0, row_end, w.col0, key_end),
                  runs_window(a.mask(h), w.row0, row_end, 0, a.n()), nullptr, {}};
  if (shown == StepCells::Pattern) return cells;
  if (shown == StepCells::Scores) cells.leaks = RowRuns::empty(cells.mask.rows(), cells.mask.cols());
  // A window shows the allowed cells' values (the raw scores of masked cells are not kept).
  const ValuesWindow values = values_window(a, o.batch, h, w.row0, row_end, w.col0, key_end);
  const std::vector<float>& from = scores ? values.scores : values.weights;
  cells.computed.reserve(static_cast<size_t>(cells.mask.count()));
  for (int q = 0; q < cells.mask.rows(); ++q)
    for (const Run r : cells.mask.row(q))
      for (int k = r.begin; k < r.end; ++k)
        cells.computed.push_back(from[static_cast<size_t>(q) * values.keys() + k]);
  return cells;
}

void matrix_draw_head(Figure& fig, const Style& st, const MatrixGrid& g, const Analysis& a, int h,
                      const HeadCells& cells, const FigureOptions& o, const WeightScale& scale, bool query_title) {
  const CellsDrawn drawn = heatmap_drawn(a, o);
  if (drawn == CellsDrawn::Pattern) {
    matrix_draw_layers(fig, g, st.theme.masked, {{&cells.mask, matrix_allowed_color(st)}});
  } else if (drawn == CellsDrawn::Allowed) {
    matrix_draw_layers(fig, g, st.theme.masked, {{&cells.mask, st.theme.allowed}});
  } else {
    matrix_draw_weights(fig, g, cells.mask, cells.values(), scale, st);
  }
  matrix_draw_empty_rows(fig, g, cells.rows, st);
  matrix_draw_groups(fig, g, head_group_boundaries(a, h), st);
  matrix_draw_leaks(fig, g, cells.leaks, st);
  // After the leaks, so all four pieces stay orange even where leak outlines run along them. A
  // window shows a part of the matrix, where the four corners would mislead.
  if (const std::vector<CellBox> wrapped = wrapped_group_boxes(a, h); !wrapped.empty() && !o.windowed())
    matrix_draw_wrapped_group(fig, g, wrapped, st);
  matrix_draw_axes(fig, g, st, query_title);
}

}  // namespace attnscope::figure
