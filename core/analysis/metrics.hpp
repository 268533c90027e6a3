#pragma once
// Numbers that compare variants: how much each head reads, what it costs, what it leaks.
#include <cstdint>
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

struct HeadMetrics {
  int64_t allowed = 0;
  int64_t leaks = 0;
  double density = 0;  // allowed / N²: the fraction of the dense square
};

struct Metrics {
  std::vector<HeadMetrics> heads;
  int64_t total_allowed = 0;
  int64_t total_leaks = 0;
  int64_t union_allowed = 0;   // cells allowed by at least one head
  int64_t policy_cells = 0;    // cells the policy allows
  int64_t policy_covered = 0;  // policy cells reached by the union of heads
  double density = 0;          // mean over heads
  // Attention FLOPs (QKᵀ and weights·V) scale with the cells computed (core/analysis/cost.hpp), so
  // relative to dense attention (N² per head) this is total_allowed / (H·N²), and relative to
  // full causal attention (N(N+1)/2 per head) total_allowed / (H·N(N+1)/2).
  double flops_vs_dense = 0;
  double flops_vs_full = 0;
  double coverage = 0;  // policy_covered / policy_cells; "causal coverage" under the causal policy
};

Metrics metrics_compute(const std::vector<RowRuns>& masks, const std::vector<RowRuns>& leaks,
                        const RowRuns& policy_cells);

}  // namespace attnscope
