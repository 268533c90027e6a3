#pragma once
// Receptive field over stacked layers: which tokens can influence token q after L layers when
// every layer uses the same mask (the union of its heads) plus the residual path (q reads q).
#include <cstdint>
#include <vector>

#include "core/row_runs.hpp"

namespace attnscope {

struct Reach {
  int layers = 0;
  std::vector<int64_t> counts;  // per query: tokens that reach it, itself included
  int saturated_at = -1;        // first layer after which nothing changes, -1 if not reached
};

// Reach sets kept as runs and propagated with a segment tree over tokens (a run of keys costs
// O(log N) run lists); when the sets fragment beyond `max_bytes` of runs, bit rows take over
// (about 3·N²/8 bytes, SceneError naming `layers` above `max_bytes`).
Reach reach_compute(const std::vector<RowRuns>& masks, int layers,
                    int64_t max_bytes = int64_t{1} << 30);

}  // namespace attnscope
