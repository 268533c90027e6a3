#pragma once
// Leaks: cells a variant allows that the policy forbids, per head.
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

std::vector<RowRuns> leaks_per_head(const std::vector<RowRuns>& masks, const RowRuns& policy_cells);

}  // namespace attnscope
