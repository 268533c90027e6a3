#include "core/presentation/weight_scale.hpp"

#include <algorithm>
#include <cstddef>

namespace attnscope {

WeightScale weight_scale(const std::vector<const std::vector<float>*>& weights) {
  std::vector<float> all;
  for (const auto* w : weights) all.insert(all.end(), w->begin(), w->end());
  if (all.empty()) return {};
  const auto rank = all.begin() + static_cast<std::ptrdiff_t>(0.99 * static_cast<double>(all.size() - 1));
  std::nth_element(all.begin(), rank, all.end());
  if (*rank <= 0) return {};
  return {*rank, *std::max_element(rank, all.end()) > *rank};
}

}  // namespace attnscope
