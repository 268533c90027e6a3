#pragma once
// Receptive field over stacked layers: which tokens can influence token q after L layers when
// every layer uses the same mask (the union of its heads) plus the residual path (q reads q).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/cells/row_runs.hpp"

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

// Why a leak matters for training: a language model's target at position q is token q+1, so a
// query that can depend on token q+1 can copy its answer. For each query, the first number of
// stacked layers (same mask, residual path) after which token q+1 reaches it; -1 if it never does
// within max_layers (or the field saturated first). A causal pattern never lets it happen.
struct NextTokenReach {
  std::vector<int> layer;  // per query; the last query has no next token and stays -1
  int first = -1;          // the fewest layers after which any query sees its next token
  int query = -1;          // the smallest query that does so after `first` layers
  int max_layers = 0;
  int saturated_at = -1;   // as in Reach
  int count_within(int layers) const {  // queries that see their next token after `layers`
    int c = 0;
    for (int l : layer) c += l >= 0 && l <= layers;
    return c;
  }
  // The fewest layers after which every query that has a next token sees it; -1 if one never does
  // within max_layers. The one number the CLI, the figure and the docs give for "every query".
  int every_query_at() const {
    if (layer.size() < 2) return -1;
    int most = 0;
    for (size_t q = 0; q + 1 < layer.size(); ++q) {
      if (layer[q] < 0) return -1;
      most = std::max(most, layer[q]);
    }
    return most;
  }
};
NextTokenReach reach_next_token(const std::vector<RowRuns>& masks, int max_layers,
                                int64_t max_bytes = int64_t{1} << 30);

// The receptive field's counts and the next-token reach from one propagation (each alone costs
// as much as both); `counts` false leaves reach.counts empty and may stop early. Reports its
// progress to the thread's ProgressScope (core/base/progress_scope.hpp), whose callback may cancel it.
struct ReachReport {
  Reach reach;
  std::optional<NextTokenReach> next;  // when asked for
};
ReachReport reach_with_next_token(const std::vector<RowRuns>& masks, int layers, int64_t max_bytes,
                                  bool next_token, bool counts = true);

}  // namespace attnscope

namespace attnscope {

// Receptive field through a model whose layers differ (core/scene/stack.hpp): layer l reads the
// union of its own heads' masks plus the residual path. What each layer leaves behind, and when
// the whole model first lets every query read its whole prefix or a query its next token.
struct StackReachLayer {
  int64_t min_count = 0, max_count = 0;  // tokens reaching a query, itself included
  int64_t last_count = 0;                // tokens reaching the last query
  int64_t prefix_queries = 0;            // queries whose set holds their whole prefix [0, q]
  int next_token_queries = 0;            // queries that can depend on their own next token by now
};
struct StackReach {
  std::vector<StackReachLayer> layers;       // one per layer of the model
  std::vector<std::vector<int64_t>> counts;  // per layer and query, when asked for
  NextTokenReach next;                       // over the model's layers
  int whole_prefix_at = -1;                  // first layer after which every query reads [0, q]
  RowRuns sets;  // when asked for: row q holds the tokens that can reach q after that layer
};
// layer_masks[l]: the per-head masks of layer l (the same vector for equal layers costs nothing
// more). keep_counts keeps every layer's per-query counts (small N: a test's, a heatmap's);
// sets_after >= 0 keeps the sets after that layer (counting from 0) as cells, for a heatmap of
// what each query can depend on. Progress and cancelling as in reach_with_next_token.
StackReach reach_through_stack(const std::vector<const std::vector<RowRuns>*>& layer_masks, int64_t max_bytes,
                               bool keep_counts = false, int sets_after = -1);

}  // namespace attnscope
