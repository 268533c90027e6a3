#include "app/gui/heatmap_image.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "core/analysis/values_window.hpp"
#include "core/base/progress_scope.hpp"

namespace attnscope {

namespace {

struct Grid {
  int n, size, cpt;
  explicit Grid(int n_, int max_size)
      : n(n_), size(0), cpt(std::max(1, (n_ + max_size - 1) / max_size)) {
    size = (n + cpt - 1) / cpt;
  }
  size_t texel(int r, int c) const { return static_cast<size_t>(r / cpt) * size + c / cpt; }
};

// Sets channel `channel` of every texel that holds a cell of `cells` to 1, a run at a time: a
// run whose positions stay consecutive (any run in original coordinates, and a rolled frame's
// runs except at the wrap) fills its texel span at once, so N = 131072 costs the texels touched,
// not the cells.
template <typename Pos>
void fill_runs(HeatmapImage& image, const Grid& grid, const RowRuns& cells, Pos pos, int channel) {
  if (cells.count() == 0) return;
  auto fill = [&](int r, int lo, int hi) {  // positions [lo, hi) of row r
    for (int c = lo / grid.cpt; c <= (hi - 1) / grid.cpt; ++c)
      image.texels[(static_cast<size_t>(r / grid.cpt) * grid.size + c) * 2 + channel] = 1.f;
  };
  for (int q = 0; q < grid.n; ++q) {
    progress_report(q, grid.n);
    const int r = pos(q);
    for (const Run run : cells.row(q)) {
      const int first = pos(run.begin), last = pos(run.end - 1);
      if (last - first == run.length() - 1) {
        fill(r, first, last + 1);
      } else {
        for (int k = run.begin; k < run.end; ++k) fill(r, pos(k), pos(k) + 1);
      }
    }
  }
}

}  // namespace

bool heatmap_has_frame(const Analysis& analysis) { return analysis.build.frame.has_value(); }

namespace {

PositionRanges position_ranges(const Analysis& analysis, int head, Coords coords, const std::vector<int>& tokens) {
  std::vector<int> positions;
  for (int token : tokens) positions.push_back(heatmap_position(analysis, head, coords, token));
  std::sort(positions.begin(), positions.end());
  PositionRanges ranges;
  for (int p : positions) {
    if (!ranges.empty() && ranges.back().second == p) ranges.back().second = p + 1;
    else ranges.push_back({p, p + 1});
  }
  return ranges;
}

}  // namespace

GroupOutlines group_outlines(const Analysis& analysis, int head, Coords coords) {
  GroupOutlines outlines;
  if (!analysis.build.frame) return outlines;
  const HeadFrame& frame = analysis.build.frame->heads[head];
  for (int s = 0; s < frame.segment_count(); ++s)
    outlines.groups.push_back(position_ranges(analysis, head, coords,
                                              {frame.token_at_slot.begin() + frame.segment_begin(s),
                                               frame.token_at_slot.begin() + frame.segment_end(s)}));
  return outlines;
}

int heatmap_position(const Analysis& analysis, int head, Coords coords, int token) {
  if (coords == Coords::Original || !analysis.build.frame) return token;
  return analysis.build.frame->heads[head].slot_of_token[token];
}

WeightScale analysis_weight_scale(const Analysis& analysis) {
  if (!analysis.has_values()) return {};  // a structure-only analysis draws its masks
  std::vector<const std::vector<float>*> weights;
  for (int h = 0; h < analysis.heads(); ++h) weights.push_back(&analysis.attention.head(0, h).weights);
  return weight_scale(weights);
}

bool heatmap_image_streams_weights(const Analysis& analysis, StepCells cells) {
  return !analysis.has_values() && cells == StepCells::Weights && analysis.n() <= kWeightsOverviewMaxN;
}

HeatmapImage heatmap_image_build(const Analysis& analysis, int head, Coords coords, float vmax, int max_size,
                                 StepCells cells, float smax, bool stream_weights) {
  const Grid grid(analysis.n(), max_size);
  HeatmapImage image;
  image.n = grid.n;
  image.size = grid.size;
  image.cells_per_texel = grid.cpt;
  const bool scores = cells == StepCells::Scores || cells == StepCells::MaskedScores;
  const float empty = scores ? kScoreMasked : -1.f;
  image.texels.assign(static_cast<size_t>(grid.size) * grid.size * 2, 0.f);
  for (size_t i = 0; i < image.texels.size(); i += 2) image.texels[i] = empty;
  auto pos = [&](int token) { return heatmap_position(analysis, head, coords, token); };
  // Aggregated texels keep the value of largest magnitude of their block.
  auto keep = [&](int r, int c, float value) {
    float& texel = image.texels[grid.texel(r, c) * 2];
    if (texel == empty || std::abs(value) > std::abs(texel)) texel = value;
  };

  const RowRuns& mask = analysis.mask(head);
  const float scale = vmax > 0.f ? 1.f / vmax : 0.f;
  std::optional<ProgressSpan> span(std::in_place, 0.0, 0.9);  // the cells; the leaks after them
  if (stream_weights && heatmap_image_streams_weights(analysis, cells)) {
    for (int q = 0; q < grid.n; ++q) {
      progress_report(q, grid.n);  // a job's progress, and where its cancel lands
      const RowValues row = row_values(analysis, 0, head, q);
      size_t cell = 0;
      const int r = pos(q);
      for (const Run run : mask.row(q))
        for (int k = run.begin; k < run.end; ++k, ++cell) keep(r, pos(k), row.weights[cell] * scale);
    }
  } else if (!analysis.has_values()) {
    fill_runs(image, grid, mask, pos, 0);  // structure only: the allowed cells, drawn in the allowed grey
  } else if (cells == StepCells::Scores) {
    const std::vector<float> raw = step_scores(analysis, head);
    for (int q = 0; q < grid.n; ++q) {
      progress_report(q, grid.n);
      for (int k = 0; k < grid.n; ++k) {
        const float score = raw[static_cast<size_t>(q) * grid.n + k];
        if (!std::isnan(score)) keep(pos(q), pos(k), std::clamp(score / smax, -1.f, 1.f));
      }
    }
  } else {
    const HeadValues& values = analysis.attention.head(0, head);
    for (int q = 0; q < grid.n; ++q) {
      progress_report(q, grid.n);
      int64_t cell = mask.row_cell_offset(q);
      const int r = pos(q);
      for (const Run run : mask.row(q))
        for (int k = run.begin; k < run.end; ++k, ++cell) {
          float value = 1.f;
          if (scores && !values.scores.empty()) value = std::clamp(values.scores[cell] / smax, -1.f, 1.f);
          else if (cells == StepCells::Weights && !values.weights.empty()) value = values.weights[cell] * scale;
          keep(r, pos(k), value);
        }
    }
  }
  // Leaks exist once the mask has been applied.
  span.emplace(0.9, 1.0);
  if (cells == StepCells::MaskedScores || cells == StepCells::Weights)
    fill_runs(image, grid, analysis.leaks[head], pos, 1);
  return image;
}

namespace {

// The texels of one texel row painted so far: first_unpainted(c) is the first one at or after c
// (a union-find over "painted, look right", with path halving). The rows that share a texel row
// then skip what an earlier one painted: a causal prefix at N = 131072 in a 128-texel thumbnail
// costs its runs, not the 64 texels each run spans on average.
class PaintedTexels {
 public:
  explicit PaintedTexels(int size) : next_(static_cast<size_t>(size) + 1) { clear(); }
  void clear() { std::iota(next_.begin(), next_.end(), 0); }
  int first_unpainted(int c) {
    while (next_[c] != c) c = next_[c] = next_[next_[c]];
    return c;
  }
  void paint(int c) { next_[c] = c + 1; }

 private:
  std::vector<int> next_;
};

// A run fills its texel span at once, so N = 131072 costs the texels touched, not the cells; a
// texel another row of its block painted in this colour is skipped.
void paint_runs(RgbaImage& image, const Grid& grid, const RowRuns& cells, Rgb8 colour) {
  PaintedTexels painted(grid.size);
  for (int q = 0; q < grid.n; ++q) {
    progress_report(q, grid.n);
    if (q % grid.cpt == 0) painted.clear();
    uint8_t* row = &image.rgba[static_cast<size_t>(q / grid.cpt) * grid.size * 4];
    for (const Run run : cells.row(q)) {
      const int last = (run.end - 1) / grid.cpt;
      for (int c = painted.first_unpainted(run.begin / grid.cpt); c <= last; c = painted.first_unpainted(c + 1)) {
        row[c * 4] = colour.r, row[c * 4 + 1] = colour.g, row[c * 4 + 2] = colour.b;
        painted.paint(c);
      }
    }
  }
}

}  // namespace

RgbaImage diff_overlay_build(const RowRuns& a, const RowRuns& b, Rgb8 a_only, Rgb8 b_only, Rgb8 both, Rgb8 off,
                             int max_size) {
  std::optional<ProgressSpan> span(std::in_place, 0.0, 0.5);  // A's cells; B's after them
  RgbaImage image = cells_image_build(a, a_only, off, max_size);
  span.emplace(0.5, 1.0);
  const Grid grid(b.rows(), max_size);
  // Texel by texel as paint_runs does: every cell of a texel sets it the same way, so one pass
  // per texel a run touches gives what one per cell would, at N = 131072 in a fraction of the time.
  for (int q = 0; q < grid.n; ++q) {
    progress_report(q, grid.n);
    for (const Run run : b.row(q))
      for (int col = run.begin / grid.cpt; col <= (run.end - 1) / grid.cpt; ++col) {
        uint8_t* p = &image.rgba[(static_cast<size_t>(q / grid.cpt) * grid.size + col) * 4];
        const bool in_a = p[0] == a_only.r && p[1] == a_only.g && p[2] == a_only.b;
        const Rgb8 c = in_a ? both : (p[0] == both.r && p[1] == both.g && p[2] == both.b) ? both : b_only;
        p[0] = c.r, p[1] = c.g, p[2] = c.b;
      }
  }
  return image;
}

DiffCounts diff_counts(const RowRuns& a, const RowRuns& b) {
  return {diff_cells(a, b, DiffOp::AMinusB).count(), diff_cells(a, b, DiffOp::BMinusA).count(),
          diff_cells(a, b, DiffOp::Both).count()};
}

DiffOverlay diff_overlay(const RowRuns& a, const RowRuns& b, Rgb8 off) {
  DiffOverlay overlay;
  {
    const ProgressSpan span(0.0, 0.8);
    overlay.image = diff_overlay_build(a, b, diff_color(DiffOp::AMinusB), diff_color(DiffOp::BMinusA),
                                       diff_color(DiffOp::Both), off);
  }
  overlay.counts = diff_counts(a, b);
  return overlay;
}

RgbaImage cells_image_build(const RowRuns& cells, Rgb8 on, Rgb8 off, int max_size) {
  const Grid grid(cells.rows(), max_size);
  RgbaImage image;
  image.n = grid.n;
  image.size = grid.size;
  image.cells_per_texel = grid.cpt;
  image.rgba.resize(static_cast<size_t>(grid.size) * grid.size * 4);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i] = off.r, image.rgba[i + 1] = off.g, image.rgba[i + 2] = off.b, image.rgba[i + 3] = 255;
  }
  paint_runs(image, grid, cells, on);
  return image;
}

RgbaImage cells_image_build(const RowRuns& cells, Rgb8 on, Rgb8 off, const RowRuns& marked, Rgb8 mark,
                            int max_size) {
  RgbaImage image = cells_image_build(cells, on, off, max_size);
  paint_runs(image, Grid(cells.rows(), max_size), marked, mark);
  return image;
}

}  // namespace attnscope
