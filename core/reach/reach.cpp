#include "core/reach/reach.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <utility>

#include "core/base/input_error.hpp"
#include "core/base/progress_scope.hpp"
#include "core/cells/set_tree.hpp"
#include "core/reach/reach_cover.hpp"

namespace attnscope {

namespace {

// N rows of N bits each.
struct BitRows {
  int64_t words = 0;
  std::vector<uint64_t> bits;
  BitRows(int rows, int cols) : words((cols + 63) / 64), bits(static_cast<size_t>(rows) * words, 0) {}
  uint64_t* row(int64_t r) { return bits.data() + r * words; }
  const uint64_t* row(int64_t r) const { return bits.data() + r * words; }
};

void or_into(uint64_t* dst, const uint64_t* src, int64_t words) {
  for (int64_t i = 0; i < words; ++i) dst[i] |= src[i];
}

// Reach sets as runs, propagated a layer at a time through a SetTree over the current sets.
class RunReach {
 public:
  explicit RunReach(int n) : n_(n), start_(static_cast<size_t>(n) + 1) {
    for (int q = 0; q < n; ++q) {
      runs_.push_back({q, q + 1});
      start_[q + 1] = q + 1;
    }
  }
  // One more layer; false when the tree would take more than max_runs runs (the caller falls
  // back to bit rows). Sets `changed` when any token's set grew.
  bool step(const std::vector<const RowRuns*>& edges, int64_t max_runs, bool& changed) {
    SetTree tree;
    if (!tree.build(runs_, start_, max_runs - static_cast<int64_t>(runs_.size()))) return false;
    std::vector<Run> next_runs;
    std::vector<int64_t> next_start(static_cast<size_t>(n_) + 1, 0);
    std::vector<Run> row;
    UnionRows edge_rows(edges);
    RunUnion gathered(n_);
    changed = false;
    for (int q = 0; q < n_; ++q) {
      progress_report(q, n_);
      gathered.add(runs_.data() + start_[q], runs_.data() + start_[q + 1]);  // residual path
      tree.gather(edge_rows.row(q), n_, gathered);
      gathered.take(row);
      changed |= row.size() != static_cast<size_t>(start_[q + 1] - start_[q]) ||
                 !std::equal(row.begin(), row.end(), runs_.begin() + start_[q]);
      next_runs.insert(next_runs.end(), row.begin(), row.end());
      next_start[q + 1] = static_cast<int64_t>(next_runs.size());
    }
    runs_ = std::move(next_runs);
    start_ = std::move(next_start);
    return true;
  }
  int64_t count(int q) const {
    int64_t c = 0;
    for (int64_t i = start_[q]; i < start_[q + 1]; ++i) c += runs_[i].length();
    return c;
  }
  bool contains(int q, int k) const {
    const Run* begin = runs_.data() + start_[q];
    const Run* end = runs_.data() + start_[q + 1];
    const Run* after = std::upper_bound(begin, end, k, [](int key, const Run& r) { return key < r.begin; });
    return after != begin && k < (after - 1)->end;
  }
  bool covers_prefix(int q) const {
    return start_[q] != start_[q + 1] && runs_[start_[q]].begin == 0 && runs_[start_[q]].end > q;
  }
  RowSpan row(int q) const { return {runs_.data() + start_[q], start_[q + 1] - start_[q]}; }
  void row(int q, std::vector<Run>& out) const { out.assign(row(q).begin(), row(q).end()); }

 private:
  int n_;
  std::vector<Run> runs_;
  std::vector<int64_t> start_;
};

// Reach sets as bit rows (about 3·N²/8 bytes): the fallback when the sets are not a few runs.
// A segment tree over tokens (leaves n..2n-1 the current sets) makes a run of keys O(log N) ORs.
class BitReach {
 public:
  BitReach(const RunReach& from, int n, int64_t max_bytes) : n_(n), tree_(check(n, max_bytes), n), next_(n, n) {
    for (int q = 0; q < n; ++q)
      for (const Run run : from.row(q))
        for (int k = run.begin; k < run.end; ++k) tree_.row(n + q)[k / 64] |= uint64_t{1} << (k % 64);
  }
  // One more layer; returns whether any token's set grew.
  bool step(const RowRuns& edges) {
    const int n = n_;
    for (int i = n - 1; i >= 1; --i) {
      std::copy(tree_.row(2 * i), tree_.row(2 * i) + tree_.words, tree_.row(i));
      or_into(tree_.row(i), tree_.row(2 * i + 1), tree_.words);
    }
    bool changed = false;
    for (int q = 0; q < n; ++q) {
      progress_report(q, n);
      uint64_t* out = next_.row(q);
      std::copy(tree_.row(n + q), tree_.row(n + q) + tree_.words, out);  // residual path
      for (const Run run : edges.row(q))
        for (int lo = run.begin + n, hi = run.end + n; lo < hi; lo /= 2, hi /= 2) {
          if (lo & 1) or_into(out, tree_.row(lo++), tree_.words);
          if (hi & 1) or_into(out, tree_.row(--hi), tree_.words);
        }
      changed |= !std::equal(out, out + tree_.words, tree_.row(n + q));
    }
    std::copy(next_.bits.begin(), next_.bits.end(), tree_.row(n));
    return changed;
  }
  int64_t count(int q) const {
    int64_t c = 0;
    for (int64_t w = 0; w < tree_.words; ++w) c += std::popcount(tree_.row(n_ + q)[w]);
    return c;
  }
  bool contains(int q, int k) const { return tree_.row(n_ + q)[k / 64] >> (k % 64) & 1; }
  bool covers_prefix(int q) const {
    const uint64_t* row = tree_.row(n_ + q);
    const int full_words = (q + 1) / 64;
    for (int w = 0; w < full_words; ++w)
      if (row[w] != ~uint64_t{0}) return false;
    const int rest = (q + 1) % 64;
    return rest == 0 || (row[full_words] & ((uint64_t{1} << rest) - 1)) == (uint64_t{1} << rest) - 1;
  }
  void row(int q, std::vector<Run>& out) const {
    out.clear();
    const uint64_t* bits = tree_.row(n_ + q);
    for (int k = 0; k < n_;) {
      const uint64_t word = bits[k / 64] >> (k % 64);
      if (word == 0) {  // nothing more in this word
        k = (k / 64 + 1) * 64;
        continue;
      }
      k += std::countr_zero(word);
      const int begin = k;
      while (k < n_ && (bits[k / 64] >> (k % 64) & 1)) ++k;
      out.push_back({begin, k});
    }
  }

 private:
  static int check(int n, int64_t max_bytes) {
    const int64_t bytes = 3 * ((n + 63) / 64 * 8) * int64_t{n};
    if (bytes > max_bytes)
      throw SceneError(fmt::format("layers: the receptive field of {} tokens over several layers "
                                   "needs {:.1f} GiB (memory budget {} MiB); use --layers 1, a "
                                   "smaller --n, or raise --max-memory",
                                   n, bytes / double(1 << 30), max_bytes >> 20));
    return 2 * n;
  }

  int n_;
  BitRows tree_, next_;
};

// The sets after one layer read straight from the masks (a row of their union plus the token),
// never stored: all of a single layer, and the first layer of masks whose later sets are their
// bound. One pass over the union's rows gives every count.
class LayerOneSets {
 public:
  explicit LayerOneSets(const std::vector<const RowRuns*>& edges) : edges_(edges) {
    const int n = edges.front()->rows();
    counts_.resize(static_cast<size_t>(n));
    prefix_.resize(static_cast<size_t>(n));
    UnionRows union_rows(edges);
    for (int q = 0; q < n; ++q) {
      progress_report(q, n);
      const std::vector<Run>& row = union_rows.row(q);
      int64_t cells = 0;
      bool self = false;
      for (const Run& run : row) {
        cells += run.length();
        self |= run.begin <= q && q < run.end;
      }
      counts_[q] = cells + (self ? 0 : 1);
      // With the token itself: [0, q] when the first run starts at 0 and reaches q - 1.
      prefix_[q] = q == 0 || (!row.empty() && row.front().begin == 0 && row.front().end >= q);
    }
  }
  bool covers_prefix(int q) const { return prefix_[q]; }
  int64_t count(int q) const { return counts_[q]; }
  bool contains(int q, int k) const {
    return k == q || std::any_of(edges_.begin(), edges_.end(), [&](const RowRuns* head) { return head->contains(q, k); });
  }
  void row(int q, std::vector<Run>& out) const {
    std::vector<Run> runs;
    runs_union_row(edges_, q, runs);
    runs.push_back({q, q + 1});  // the residual path
    runs_coalesce(runs);
    out = std::move(runs);
  }
  bool grew() const {
    return std::any_of(counts_.begin(), counts_.end(), [](int64_t count) { return count > 1; });
  }
  // Whether every set is its bound (which starts at token 0, so the count tells).
  bool every_set_is(ReachBound bound) const {
    const int n = static_cast<int>(counts_.size());
    for (int q = 0; q < n; ++q)
      if (counts_[q] != reach_bound_end(bound, n, q)) return false;
    return true;
  }

 private:
  const std::vector<const RowRuns*>& edges_;
  std::vector<int64_t> counts_;
  std::vector<bool> prefix_;
};

// Every token's set equal to its bound.
struct BoundSets {
  int n;
  ReachBound bound;
  int64_t count(int q) const { return reach_bound_end(bound, n, q); }
  bool contains(int q, int k) const { return k < reach_bound_end(bound, n, q); }
  bool covers_prefix(int) const { return true; }
  void row(int q, std::vector<Run>& out) const { out.assign(1, Run{0, reach_bound_end(bound, n, q)}); }
};

// reach_propagate without propagating: layer 1 read from the masks, and when there are more
// layers, every set from layer 2 on equal to `later` (its bound); the same calls and the same
// answer as a propagation.
template <typename OnLayer>
int reach_from_first_layer(const std::vector<const RowRuns*>& edges, std::optional<ReachBound> later, int layers,
                           OnLayer on_layer) {
  const int n = edges.front()->rows();
  const LayerOneSets first(edges);
  for (int layer = 1; layer <= layers; ++layer) {
    const bool changed = layer == 1 ? first.grew() : layer == 2 && !first.every_set_is(*later);
    if (!changed) return layer - 1;
    if (layer == 1 ? on_layer(layer, first) : on_layer(layer, BoundSets{n, *later})) break;
  }
  return -1;
}

// Runs the layers in turn, layer l over the union of layer_edges[l - 1] (plus the residual path):
// as runs while they stay few, then as bit rows. When every layer has the same masks, a single
// layer, and masks whose sets reach their bound in two layers (reach_bound_after_two_layers), skip
// the propagation, and the first layer that changes nothing ends it (no later one can). After each
// layer calls on_layer(layer, sets), where sets has count(q), contains(q, k), covers_prefix(q) and
// row(q, runs);
// stops when it returns true. Returns the layer after which nothing changed any more, or -1.
// reach_compute, reach_next_token and reach_through_stack share it.
template <typename OnLayer>
int reach_propagate(const std::vector<std::vector<const RowRuns*>>& layer_edges, int64_t max_bytes, OnLayer on_layer) {
  const std::vector<const RowRuns*>& first = layer_edges.front();
  const int layers = static_cast<int>(layer_edges.size());
  const bool uniform = std::all_of(layer_edges.begin(), layer_edges.end(), [&](const auto& e) { return e == first; });
  const int n = first.front()->rows();
  if (uniform && layers == 1) return reach_from_first_layer(first, std::nullopt, layers, on_layer);
  // Progress (ProgressScope): the shortcut's attempt first, then a stretch per layer.
  const double attempt = uniform ? 1.0 / (layers + 1) : 0.0;
  if (uniform) {
    std::optional<ReachBound> bound;
    {
      const ProgressSpan attempt_span(0, attempt);
      bound = reach_bound_after_two_layers(first, max_bytes / int64_t{4 * sizeof(Run)});
    }
    if (bound) {
      const ProgressSpan rest(attempt, 1);
      return reach_from_first_layer(first, bound, layers, on_layer);
    }
  }
  RunReach runs(n);
  std::optional<BitReach> bits;
  RowRuns union_cells;
  const std::vector<const RowRuns*>* union_of = nullptr;  // the heads union_cells holds
  int last_change = 0;
  for (int layer = 1; layer <= layers; ++layer) {
    const ProgressSpan layer_span(attempt + (1 - attempt) * (layer - 1) / layers, attempt + (1 - attempt) * layer / layers);
    const std::vector<const RowRuns*>& edges = layer_edges[layer - 1];
    bool changed = false;
    if (!bits && !runs.step(edges, max_bytes / int64_t{4 * sizeof(Run)}, changed)) bits.emplace(runs, n, max_bytes);
    if (bits) {
      if (!union_of || *union_of != edges) {
        union_cells = RowRuns(n, n);
        UnionRows union_rows(edges);
        for (int q = 0; q < n; ++q) union_cells.append_row(union_rows.row(q));
        union_of = &edges;
      }
      changed = bits->step(union_cells);
    }
    if (changed) last_change = layer;
    else if (uniform) return layer - 1;
    if (bits ? on_layer(layer, *bits) : on_layer(layer, runs)) return -1;
  }
  return uniform || last_change == layers ? -1 : last_change;
}

}  // namespace

Reach reach_compute(const std::vector<RowRuns>& masks, int layers, int64_t max_bytes) {
  return reach_with_next_token(masks, layers, max_bytes, false).reach;
}

NextTokenReach reach_next_token(const std::vector<RowRuns>& masks, int max_layers, int64_t max_bytes) {
  return *reach_with_next_token(masks, max_layers, max_bytes, true, false).next;
}

ReachReport reach_with_next_token(const std::vector<RowRuns>& masks, int layers, int64_t max_bytes,
                                  bool next_token, bool counts) {
  if (layers < 1) throw SceneError("layers: give at least 1 layer, e.g. --layers 2");
  const int n = masks.front().rows();
  const std::vector<const RowRuns*> edges = runs_distinct(masks);
  ReachReport report;
  Reach& reach = report.reach;
  reach.layers = layers;
  // Counts are taken after every layer, so a saturated run keeps the last layer's.
  if (counts) reach.counts.assign(n, 1);
  NextTokenReach* next = nullptr;
  if (next_token) {
    next = &report.next.emplace();
    next->max_layers = layers;
    next->layer.assign(n, -1);
  }
  int open = next_token ? std::max(n - 1, 0) : 0;  // queries 0..n-2 that have not yet seen their next token
  auto on_layer = [&](int layer, const auto& sets) {
    if (counts)
      for (int q = 0; q < n; ++q) reach.counts[q] = sets.count(q);
    if (next)
      for (int q = 0; q + 1 < n; ++q)
        if (next->layer[q] < 0 && sets.contains(q, q + 1)) {
          next->layer[q] = layer;
          --open;
          if (next->first < 0) next->first = layer, next->query = q;
        }
    return !counts && open == 0;
  };
  const std::vector<std::vector<const RowRuns*>> layer_edges(static_cast<size_t>(layers), edges);
  const int saturated = n < 2 && !counts ? -1 : reach_propagate(layer_edges, max_bytes, on_layer);
  reach.saturated_at = saturated;
  if (next) next->saturated_at = saturated;
  return report;
}

}  // namespace attnscope

namespace attnscope {

StackReach reach_through_stack(const std::vector<const std::vector<RowRuns>*>& layer_masks, int64_t max_bytes,
                               bool keep_counts, int sets_after) {
  if (layer_masks.empty()) throw SceneError("layers: give at least 1 layer, e.g. --layers 2");
  const int layers = static_cast<int>(layer_masks.size());
  const int n = layer_masks.front()->front().rows();
  // Equal layers share one edge list, so the propagation sees a uniform model as one.
  std::vector<std::vector<const RowRuns*>> layer_edges;
  std::vector<const std::vector<RowRuns>*> seen;
  for (const std::vector<RowRuns>* masks : layer_masks) {
    if (masks->empty() || masks->front().rows() != n)
      throw SceneError(fmt::format("stack: every layer needs masks over the same {} tokens", n));
    const auto same = std::find(seen.begin(), seen.end(), masks);
    layer_edges.push_back(same != seen.end() ? layer_edges[same - seen.begin()] : runs_distinct(*masks));
    seen.push_back(masks);
  }
  StackReach out;
  out.layers.resize(static_cast<size_t>(layers));
  out.next.max_layers = layers;
  out.next.layer.assign(static_cast<size_t>(n), -1);
  int open = std::max(n - 1, 0);
  int filled = 0;  // layers reported by the propagation
  auto on_layer = [&](int layer, const auto& sets) {
    filled = layer;
    StackReachLayer& stats = out.layers[layer - 1];
    stats.min_count = n;
    std::vector<int64_t> counts;
    if (keep_counts) counts.resize(static_cast<size_t>(n));
    for (int q = 0; q < n; ++q) {
      const int64_t c = sets.count(q);
      stats.min_count = std::min(stats.min_count, c);
      stats.max_count = std::max(stats.max_count, c);
      stats.prefix_queries += sets.covers_prefix(q);
      if (keep_counts) counts[q] = c;
      if (q + 1 < n && out.next.layer[q] < 0 && sets.contains(q, q + 1)) {
        out.next.layer[q] = layer;
        --open;
        if (out.next.first < 0) out.next.first = layer, out.next.query = q;
      }
    }
    stats.last_count = sets.count(n - 1);
    stats.next_token_queries = n - 1 - open;
    if (keep_counts) out.counts.push_back(std::move(counts));
    if (out.whole_prefix_at < 0 && stats.prefix_queries == n) out.whole_prefix_at = layer;
    // Every layer up to the asked one: a uniform model may stop early, its last sets then stand.
    if (layer - 1 <= sets_after) {
      out.sets = RowRuns(n, n);
      std::vector<Run> row;
      for (int q = 0; q < n; ++q) {
        sets.row(q, row);
        out.sets.append_row(row);
      }
    }
    return false;
  };
  out.next.saturated_at = reach_propagate(layer_edges, max_bytes, on_layer);
  if (sets_after >= 0 && filled == 0) {  // no layer grew a set: each token reaches itself
    out.sets = RowRuns(n, n);
    for (int q = 0; q < n; ++q) out.sets.append_row({{q, q + 1}});
  }
  // A uniform model stops at its first layer that changes nothing: the later layers keep that state.
  for (int layer = filled; layer < layers; ++layer) {
    if (layer == 0) {
      // Not even one layer grew a set: every token reaches only itself.
      out.layers[0] = {1, 1, 1, n > 0 ? 1 : 0, 0};
      if (keep_counts) out.counts.emplace_back(static_cast<size_t>(n), 1);
      if (out.whole_prefix_at < 0 && n == 1) out.whole_prefix_at = 1;
      continue;
    }
    out.layers[layer] = out.layers[layer - 1];
    if (keep_counts) out.counts.push_back(out.counts[layer - 1]);
  }
  return out;
}

}  // namespace attnscope
