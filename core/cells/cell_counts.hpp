#pragma once
// The two baselines every share in attnscope is taken against, counted once:
//   dense = every cell of the N×N square, N² per head (what a kernel computes before masking);
//   full  = full causal attention, every key k <= q, N(N+1)/2 per head.
#include <cstdint>

namespace attnscope {

inline int64_t cost_dense_cells(int n) { return int64_t{n} * n; }
inline int64_t cost_full_cells(int n) { return int64_t{n} * (n + 1) / 2; }

}  // namespace attnscope
