#pragma once
// The top of the weight colour scale, shared by the GUI's heatmaps and every exported figure so
// a weight gets the same colour on screen and on paper.
#include <vector>

namespace attnscope {

// The 99th percentile of the shown weights. A long row spreads its softmax thin, and one query
// with a single key (weight 1) would otherwise leave every other cell at the dark end of the
// colormap; the brightest 1% saturate instead.
struct WeightScale {
  float vmax = 1;
  bool clipped = false;  // some weights lie above vmax (the colorbar says "≥")
};
WeightScale weight_scale(const std::vector<const std::vector<float>*>& weights);

}  // namespace attnscope
