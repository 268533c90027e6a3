#pragma once
// The top of the weight colour scale, shared by the GUI's heatmaps and every exported figure so
// a weight gets the same colour on screen and on paper.
#include <algorithm>
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

// Inline: a figure of 10⁶ cells asks for 10⁶ entries.
inline int WeightScale::color_index(float value) const {
  const float t = signed_values ? (std::clamp(value / vmax, -1.f, 1.f) + 1.f) / 2.f : std::clamp(value / vmax, 0.f, 1.f);
  // std::lround(t · 255) without its library call, which cost a figure of 10⁶ cells milliseconds:
  // a float plus one half is exact in double, so truncating it rounds halves away from zero as
  // lround does. lround took NaN to entry 0; so does this.
  const float x = t * 255.f;
  return x >= 0.f ? static_cast<int>(static_cast<double>(x) + 0.5) : 0;
}

WeightScale weight_scale(const std::vector<const std::vector<float>*>& weights);
// Raw scores: the largest |score| (NaN and −∞ left out), so a colour means one score in every head.
WeightScale score_scale(const std::vector<const std::vector<float>*>& scores);

}  // namespace attnscope
