#include "core/presentation/weight_scale.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace attnscope {

const std::array<Rgb8, 256>& WeightScale::table(ColormapName colormap) const {
  return signed_values ? diverging_table() : colormap_table(colormap);
}

WeightScale weight_scale(const std::vector<const std::vector<float>*>& weights) {
  std::vector<float> all;
  for (const auto* w : weights) all.insert(all.end(), w->begin(), w->end());
  if (all.empty()) return {};
  const auto rank = all.begin() + static_cast<std::ptrdiff_t>(0.99 * static_cast<double>(all.size() - 1));
  std::nth_element(all.begin(), rank, all.end());
  if (*rank <= 0) return {};
  return {*rank, *std::max_element(rank, all.end()) > *rank};
}

WeightScale score_scale(const std::vector<const std::vector<float>*>& scores) {
  float top = 0.f;
  for (const auto* s : scores)
    for (float v : *s)
      if (std::isfinite(v)) top = std::max(top, std::abs(v));
  return {top > 0.f ? top : 1.f, false, true};
}

}  // namespace attnscope
