#include "core/metrics.hpp"

#include <cstddef>

#include "core/cost.hpp"

namespace attnscope {

Metrics metrics_compute(const std::vector<RowRuns>& masks, const std::vector<RowRuns>& leaks,
                        const RowRuns& policy_cells) {
  Metrics m;
  const int n = policy_cells.rows();
  const double square = static_cast<double>(n) * n;
  RowRuns union_cells = masks.front();
  for (std::size_t h = 0; h < masks.size(); ++h) {
    HeadMetrics head;
    head.allowed = masks[h].count();
    head.leaks = leaks[h].count();
    head.density = head.allowed / square;
    m.total_allowed += head.allowed;
    m.total_leaks += head.leaks;
    m.density += head.density / static_cast<double>(masks.size());
    m.heads.push_back(head);
    if (h > 0) union_cells = runs_union(union_cells, masks[h]);
  }
  m.union_allowed = union_cells.count();
  m.policy_cells = policy_cells.count();
  m.policy_covered = runs_intersection(union_cells, policy_cells).count();
  m.flops_vs_dense = m.total_allowed / (square * static_cast<double>(masks.size()));
  m.flops_vs_full = m.total_allowed / (static_cast<double>(cost_full_cells(n)) * static_cast<double>(masks.size()));
  m.coverage = m.policy_cells ? static_cast<double>(m.policy_covered) / m.policy_cells : 0.0;
  return m;
}

}  // namespace attnscope
