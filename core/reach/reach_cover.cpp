#include "core/reach/reach_cover.hpp"

#include <algorithm>

#include "core/base/progress_scope.hpp"
#include "core/cells/set_tree.hpp"

namespace attnscope {

namespace {

// Runs per token past which a propagation's first layer is costly enough to try the shortcut
// (grouped, shifted and windowed masks hold one or two, and propagate in a fraction of a second).
constexpr int64_t kFragmentedRunsPerToken = 8;
// Runs per token the heads of the lower bound may hold between them (at least one head is taken).
constexpr int64_t kBoundRunsPerToken = 4;
// Sets per token read one token at a time before the tree over them is built.
constexpr int64_t kLeafReadsPerToken = 16;

ReachBound bound_of(const std::vector<const RowRuns*>& edges) {
  for (const RowRuns* head : edges)
    for (int q = 0; q < head->rows(); ++q)
      if (!head->row(q).empty() && head->row(q).back().end > q + 1)
        return ReachBound::Everything;
  return ReachBound::Prefix;
}

// The heads with the fewest runs, as many as fit kBoundRunsPerToken per token (at least one).
std::vector<const RowRuns*> fewest_run_heads(std::vector<const RowRuns*> heads, int n) {
  std::stable_sort(heads.begin(), heads.end(),
                   [](const RowRuns* a, const RowRuns* b) { return a->run_count() < b->run_count(); });
  size_t kept = 0;
  int64_t runs = 0;
  while (kept < heads.size() && (kept == 0 || runs + heads[kept]->run_count() <= kBoundRunsPerToken * n))
    runs += heads[kept++]->run_count();
  heads.resize(kept);
  return heads;
}

}  // namespace

std::optional<ReachBound> reach_bound_after_two_layers(const std::vector<const RowRuns*>& edges,
                                                       int64_t max_runs) {
  const int n = edges.front()->rows();
  int64_t runs_held = 0;
  for (const RowRuns* head : edges) runs_held += head->run_count();
  if (runs_held <= kFragmentedRunsPerToken * n) return std::nullopt;

  // S(k): token k and its rows in the heads with the fewest runs.
  const std::vector<const RowRuns*> bound_heads = fewest_run_heads(edges, n);
  std::vector<Run> runs, row;
  std::vector<int64_t> start(static_cast<size_t>(n) + 1, 0);
  for (int k = 0; k < n; ++k) {
    runs_union_row(bound_heads, k, row);
    row.push_back({k, k + 1});
    runs_coalesce(row);
    runs.insert(runs.end(), row.begin(), row.end());
    start[k + 1] = static_cast<int64_t>(runs.size());
    if (static_cast<int64_t>(runs.size()) > max_runs) return std::nullopt;
  }
  // Gathered a token at a time while that stays cheap (BigBird's rows start at a global token,
  // whose set holds every token and ends the gathering at once), through a tree over S once
  // it does not (a strided row's window of l keys).
  SetTree tree;
  tree.leaves_only(runs, start);
  bool tree_built = false;
  const ReachBound bound = bound_of(edges);
  RunUnion gathered(n);
  UnionRows keys(edges);
  for (int q = 0; q < n; ++q) {
    progress_report(q, n);
    if (!tree_built && tree.sets_read() > kLeafReadsPerToken * n) {
      if (!tree.build(runs, start, max_runs - static_cast<int64_t>(runs.size()))) return std::nullopt;
      tree_built = true;
    }
    const int32_t end = reach_bound_end(bound, n, q);
    gathered.add(runs.data() + start[q], runs.data() + start[q + 1]);
    tree.gather(keys.row(q), end, gathered);
    gathered.take(row);
    if (row.size() != 1 || row.front().begin != 0 || row.front().end != end) return std::nullopt;
  }
  return bound;
}

}  // namespace attnscope
