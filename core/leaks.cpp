#include "core/leaks.hpp"

namespace attnscope {

std::vector<RowRuns> leaks_per_head(const std::vector<RowRuns>& masks, const RowRuns& policy_cells) {
  std::vector<RowRuns> leaks;
  leaks.reserve(masks.size());
  for (const RowRuns& mask : masks) leaks.push_back(runs_difference(mask, policy_cells));
  return leaks;
}

}  // namespace attnscope
