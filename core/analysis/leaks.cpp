#include "core/analysis/leaks.hpp"

namespace attnscope {

std::vector<RowRuns> leaks_per_head(const std::vector<RowRuns>& masks, const RowRuns& policy_cells) {
  std::vector<RowRuns> leaks;
  leaks.reserve(masks.size());
  for (size_t h = 0; h < masks.size(); ++h) {
    size_t same = 0;  // heads sharing a mask share its leaks
    while (same < h && !masks[same].shares_storage(masks[h])) ++same;
    leaks.push_back(same < h ? leaks[same] : runs_difference(masks[h], policy_cells));
  }
  return leaks;
}

}  // namespace attnscope
