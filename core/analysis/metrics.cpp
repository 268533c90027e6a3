#include "core/analysis/metrics.hpp"

#include <cstddef>
#include <optional>

#include "core/analysis/cost.hpp"
#include "core/cells/row_rule.hpp"

namespace attnscope {

Metrics metrics_compute(const std::vector<RowRuns>& masks, const std::vector<RowRuns>& leaks,
                        const RowRuns& policy_cells) {
  Metrics m;
  const int n = policy_cells.rows();
  const double square = static_cast<double>(n) * n;
  for (std::size_t h = 0; h < masks.size(); ++h) {
    HeadMetrics head;
    head.allowed = masks[h].count();
    head.leaks = leaks[h].count();
    head.density = head.allowed / square;
    m.total_allowed += head.allowed;
    m.total_leaks += head.leaks;
    m.density += head.density / static_cast<double>(masks.size());
    m.heads.push_back(head);
  }
  // The union of the heads is streamed row by row over the distinct masks, never stored.
  const std::vector<const RowRuns*> distinct = runs_distinct(masks);
  if (const std::optional<RowRuns> by_rule = runs_union_by_rule(distinct)) {
    // Rule-made heads: their union is a rule of its own, whose rows are counted without being
    // made wherever the policy's row is one run around them (a causal policy).
    m.union_allowed = by_rule->count();
    for (int q = 0; q < n; ++q) {
      const RowSpan policy = policy_cells.row(q);
      m.policy_covered += extent_within_one_run(by_rule->row_extent(q), policy) ? by_rule->row_count(q)
                                                                               : runs_overlap(by_rule->row(q), policy);
    }
  } else {
    UnionRows union_rows(distinct);
    for (int q = 0; q < n; ++q) {
      const std::vector<Run>& row = union_rows.row(q);
      for (const Run& run : row) m.union_allowed += run.length();
      m.policy_covered += runs_overlap(row, policy_cells.row(q));
    }
  }
  m.policy_cells = policy_cells.count();
  m.flops_vs_dense = m.total_allowed / (square * static_cast<double>(masks.size()));
  m.flops_vs_full = m.total_allowed / (static_cast<double>(cost_full_cells(n)) * static_cast<double>(masks.size()));
  m.coverage = m.policy_cells ? static_cast<double>(m.policy_covered) / m.policy_cells : 0.0;
  return m;
}

}  // namespace attnscope
