#pragma once
// The CPU side of a heatmap texture, built once per analysis, head and coordinate system (never
// per frame). Large N is aggregated: one texel covers a square block of cells, so an N = 8192
// head is a 2048² texture whose texels keep the strongest weight and any leak of their block.
#include <cstdint>
#include <vector>

#include "app/gui/actions.hpp"
#include "core/analysis.hpp"
#include "core/compare.hpp"
#include "core/weight_scale.hpp"

namespace attnscope {

struct HeatmapImage {
  int n = 0;
  int size = 0;             // texels per side
  int cells_per_texel = 1;  // per side
  // size² RG pairs, row 0 = query 0: R = weight / vmax (above 1 where the scale clips; the
  // shader clamps), or -1 where no cell is allowed; G = 1 where a cell leaks.
  std::vector<float> texels;
};

// The figures' colour scale (the 99th percentile of the weights, see weight_scale) over
// every head of batch 0, so the GUI and `export` colour a weight alike. All heads share it.
WeightScale analysis_weight_scale(const Analysis& analysis);

inline constexpr int kMaxHeatmapTexels = 2048;

// `vmax`: the top of the colour scale, from analysis_weight_scale (computed once per analysis).
HeatmapImage heatmap_image_build(const Analysis& analysis, int head, Coords coords, float vmax,
                                 int max_size = kMaxHeatmapTexels);

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

RgbaImage cells_image_build(const RowRuns& cells, Rgb8 on, Rgb8 off, int max_size = kMaxHeatmapTexels);

}  // namespace attnscope
