#pragma once
// The top of the weight colour scale, shared by the GUI's heatmaps and every exported figure so
// a weight gets the same colour on screen and on paper.
#include <array>
#include <vector>

#include "core/presentation/colormap.hpp"

namespace attnscope {

// The 99th percentile of the shown weights. A long row spreads its softmax thin, and one query
// with a single key (weight 1) would otherwise leave every other cell at the dark end of the
// colormap; the brightest 1% saturate instead.
struct WeightScale {
  float vmax = 1;
  bool clipped = false;  // some weights lie above vmax (the colorbar says "≥")
  bool signed_values = false;  // raw scores: the scale runs −vmax … +vmax on the diverging table
  // The 256-entry table the values use (the colormap's, or the diverging one) and a value's entry.
  const std::array<Rgb8, 256>& table(ColormapName colormap) const;
  int color_index(float value) const;
};
WeightScale weight_scale(const std::vector<const std::vector<float>*>& weights);
// Raw scores: the largest |score| (NaN and −∞ left out), so a colour means one score in every head.
WeightScale score_scale(const std::vector<const std::vector<float>*>& scores);

}  // namespace attnscope
