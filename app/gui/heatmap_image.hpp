#pragma once
// The CPU side of a heatmap texture, built once per analysis, head and coordinate system (never
// per frame). Large N is aggregated: one texel covers a square block of cells, so an N = 8192
// head is a 2048² texture whose texels keep the strongest weight and any leak of their block.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "app/gui/actions.hpp"
#include "core/analysis/analysis.hpp"
#include "core/presentation/compare.hpp"
#include "core/presentation/step_scores.hpp"
#include "core/presentation/weight_scale.hpp"

namespace attnscope {

// Each group's positions as contiguous ranges, as the heatmap outlines them (in original
// coordinates the wrapped group of a shifted head is two ranges).
using PositionRanges = std::vector<std::pair<int, int>>;
struct GroupOutlines {
  std::vector<PositionRanges> groups;
};
GroupOutlines group_outlines(const Analysis& analysis, int head, Coords coords);

struct HeatmapImage {
  int n = 0;
  int size = 0;             // texels per side
  int cells_per_texel = 1;  // per side
  // size² RG pairs, row 0 = query 0; G = 1 where a cell leaks. R by StepCells:
  //   Weights: weight / vmax (above 1 where the scale clips; the shader clamps), -1 where masked;
  //   Scores, MaskedScores: score / smax in [-1, 1], kScoreMasked where nothing is computed or
  //   the mask set the score to -inf;
  //   Pattern: 1 where the variant will compute the cell, -1 where not;
  //   an analysis without values (drawn as CellsDrawn::Allowed, in the neutral allowed grey): 1
  //   where the mask allows a cell, the empty value where not.
  std::vector<float> texels;
  // The head's group outlines, found with the image by its job so no frame sorts N positions;
  // null for an image built in the frame.
  std::shared_ptr<const GroupOutlines> outlines;
};
inline constexpr float kScoreMasked = -9.f;

// The figures' colour scale (the 99th percentile of the weights, see weight_scale) over
// every head of batch 0, so the GUI and `export` colour a weight alike. All heads share it.
WeightScale analysis_weight_scale(const Analysis& analysis);

inline constexpr int kMaxHeatmapTexels = 2048;
// Up to this N a heatmap's image is built where it is drawn (at most 512² cells a head, a
// millisecond or two); above it a job builds it (ComputeHeatmapImage) and the frame goes on.
inline constexpr int kHeatmapImageInFrameMaxN = 512;
inline bool heatmap_image_in_frame(const Analysis& analysis) { return analysis.n() <= kHeatmapImageInFrameMaxN; }
// An analysis without stored values still shows its weights up to this N: computed a row at a
// time into the texels (row_values), never held whole; above it, the allowed cells.
inline constexpr int kWeightsOverviewMaxN = 8192;

// Whether heatmap_image_build computes the weights row by row for this image (seconds at
// N = 8192 with 32 heads: the GUI builds it as a job, ComputeHeatmapWeights, and shows the
// allowed cells meanwhile). Those rows are reported to the thread's ProgressScope, whose callback
// may cancel the build.
bool heatmap_image_streams_weights(const Analysis& analysis, StepCells cells);

// `vmax`: the top of the colour scale, from analysis_weight_scale (computed once per analysis).
// `smax`: the top of the score scale (step_score_scale), for the score steps.
// `stream_weights` false: an analysis without values shows its allowed cells even where it could
// compute its weights (the image shown until the streamed one is ready).
HeatmapImage heatmap_image_build(const Analysis& analysis, int head, Coords coords, float vmax,
                                 int max_size = kMaxHeatmapTexels, StepCells cells = StepCells::Weights,
                                 float smax = 1.f, bool stream_weights = true);

// Row or column position of an original token in the chosen coordinates (frame slot or token).
int heatmap_position(const Analysis& analysis, int head, Coords coords, int token);
bool heatmap_has_frame(const Analysis& analysis);

// A categorical image (RGBA8, row 0 on top) of a set of cells: `on` where the set holds a cell.
struct RgbaImage {
  int n = 0;
  int size = 0;
  int cells_per_texel = 1;
  std::vector<uint8_t> rgba;
};

// Every cell by which of two masks allows it: `a_only`, `b_only`, `both`, else `off`. Its rows are
// reported to the thread's ProgressScope (a job's progress and cancel).
RgbaImage diff_overlay_build(const RowRuns& a, const RowRuns& b, Rgb8 a_only, Rgb8 b_only, Rgb8 both, Rgb8 off,
                             int max_size = kMaxHeatmapTexels);

// The compare view's cells of one head that only A, only B and both allow.
struct DiffCounts {
  int64_t a_only = 0, b_only = 0, both = 0;
};
DiffCounts diff_counts(const RowRuns& a, const RowRuns& b);

// The compare view's A-vs-B image of one head in diff_color's colours (`off` where neither
// allows a cell) with its legend's counts: built where it is drawn up to
// kHeatmapImageInFrameMaxN, else by a job (ComputeDiffImage), as the heatmaps' images are.
struct DiffOverlay {
  RgbaImage image;
  DiffCounts counts;
};
DiffOverlay diff_overlay(const RowRuns& a, const RowRuns& b, Rgb8 off);
RgbaImage cells_image_build(const RowRuns& cells, Rgb8 on, Rgb8 off, int max_size = kMaxHeatmapTexels);
// The same with the `marked` cells drawn in `mark` over both (a texel holding one is `mark`).
RgbaImage cells_image_build(const RowRuns& cells, Rgb8 on, Rgb8 off, const RowRuns& marked, Rgb8 mark,
                            int max_size = kMaxHeatmapTexels);

}  // namespace attnscope
