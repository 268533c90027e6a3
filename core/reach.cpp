#include "core/reach.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>
#include <utility>

#include "core/scene.hpp"

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

// The union of many run lists that overlap heavily (the nodes a reach set is gathered from):
// only the longest run per first column is kept, and the first columns are found in order from a
// bit per column rather than by sorting every run given.
class RunUnion {
 public:
  explicit RunUnion(int n)
      : end_at_(static_cast<size_t>(n), -1), given_(static_cast<size_t>(n + 63) / 64, 0) {}
  void add(const Run* begin, const Run* end) {
    for (const Run* run = begin; run != end; ++run) {
      int32_t& far = end_at_[run->begin];
      if (far < 0) {
        given_[run->begin / 64] |= uint64_t{1} << (run->begin % 64);
        firsts_.push_back(run->begin);
      }
      far = std::max(far, run->end);
    }
  }
  // The union so far, sorted and merged, into `out`; starts a new union.
  void take(std::vector<Run>& out) {
    out.clear();
    auto extend = [&](int32_t first) {
      const int32_t end = std::exchange(end_at_[first], -1);
      if (!out.empty() && out.back().end >= first) out.back().end = std::max(out.back().end, end);
      else out.push_back({first, end});
    };
    if (firsts_.size() <= 64) {  // a handful: sorting them beats reading the bits
      std::sort(firsts_.begin(), firsts_.end());
      for (int32_t first : firsts_) {
        given_[first / 64] = 0;
        extend(first);
      }
    } else {
      const auto [lo, hi] = std::minmax_element(firsts_.begin(), firsts_.end());
      for (int32_t word = *lo / 64; word <= *hi / 64; ++word)
        for (uint64_t bits = std::exchange(given_[word], 0); bits != 0; bits &= bits - 1)
          extend(word * 64 + std::countr_zero(bits));
    }
    firsts_.clear();
  }

 private:
  std::vector<int32_t> end_at_;  // per first column: the farthest end given, -1 if none
  std::vector<uint64_t> given_;  // a bit per first column given since the last take()
  std::vector<int32_t> firsts_;
};

// Reach sets as sorted runs, one list per token; a segment tree over tokens holds the union of
// each node's range, so a run of keys costs O(log N) lists. Cost grows with the runs of the
// reach sets (a handful per token for grouped and windowed masks), not with N².
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
    // Inner nodes 1..n-1 in `tree`; the leaves n..2n-1 are the tokens' own sets in runs_.
    std::vector<Run> tree;
    std::vector<int64_t> offset(static_cast<size_t>(n_)), length(static_cast<size_t>(n_));
    auto node_runs = [&](int node) -> std::pair<const Run*, const Run*> {
      if (node >= n_) return {runs_.data() + start_[node - n_], runs_.data() + start_[node - n_ + 1]};
      const Run* first = tree.data() + offset[node];
      return {first, first + length[node]};
    };
    std::vector<Run> merged;
    for (int i = n_ - 1; i >= 1; --i) {
      const auto [left, left_end] = node_runs(2 * i);
      const auto [right, right_end] = node_runs(2 * i + 1);
      runs_union_sorted(left, left_end, right, right_end, merged);
      offset[i] = static_cast<int64_t>(tree.size());
      length[i] = static_cast<int64_t>(merged.size());
      tree.insert(tree.end(), merged.begin(), merged.end());
      if (static_cast<int64_t>(tree.size() + runs_.size()) > max_runs) return false;
    }
    std::vector<Run> next_runs;
    std::vector<int64_t> next_start(static_cast<size_t>(n_) + 1, 0);
    std::vector<Run> row, edge_row;
    RunUnion gathered(n_);
    // A node that every token reaches (a global token's set) makes the row whole: the rest of
    // its nodes need not be read.
    bool whole = false;
    auto gather_node = [&](int node) {
      const auto [first, end] = node_runs(node);
      whole |= end - first == 1 && first->begin == 0 && first->end == n_;
      gathered.add(first, end);
    };
    changed = false;
    for (int q = 0; q < n_; ++q) {
      gathered.add(runs_.data() + start_[q], runs_.data() + start_[q + 1]);  // residual path
      runs_union_row(edges, q, edge_row);
      whole = false;
      for (const Run& run : edge_row) {
        for (int lo = run.begin + n_, hi = run.end + n_; lo < hi && !whole; lo /= 2, hi /= 2) {
          if (lo & 1) gather_node(lo++);
          if (hi & 1) gather_node(--hi);
        }
        if (whole) break;
      }
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
  const Run* row_begin(int q) const { return runs_.data() + start_[q]; }
  const Run* row_end(int q) const { return runs_.data() + start_[q + 1]; }

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
      for (const Run* run = from.row_begin(q); run != from.row_end(q); ++run)
        for (int k = run->begin; k < run->end; ++k) tree_.row(n + q)[k / 64] |= uint64_t{1} << (k % 64);
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
      uint64_t* out = next_.row(q);
      std::copy(tree_.row(n + q), tree_.row(n + q) + tree_.words, out);  // residual path
      for (const Run* run = edges.row_begin(q); run != edges.row_end(q); ++run)
        for (int lo = run->begin + n, hi = run->end + n; lo < hi; lo /= 2, hi /= 2) {
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

// Runs up to `layers` layers over the union of `edges` (plus the residual path): as runs while
// they stay few, then as bit rows. After each layer calls on_layer(layer, sets), where sets has
// count(q) and contains(q, k); stops when it returns true. Returns the layer after which nothing
// changed any more, or -1. reach_compute and reach_next_token share it.
template <typename OnLayer>
int reach_propagate(const std::vector<const RowRuns*>& edges, int layers, int64_t max_bytes, OnLayer on_layer) {
  const int n = edges.front()->rows();
  RunReach runs(n);
  std::optional<BitReach> bits;
  RowRuns union_cells(n, n);
  for (int layer = 1; layer <= layers; ++layer) {
    bool changed = false;
    if (!bits && !runs.step(edges, max_bytes / int64_t{4 * sizeof(Run)}, changed)) {
      std::vector<Run> row;
      for (int q = 0; q < n; ++q) {
        runs_union_row(edges, q, row);
        union_cells.append_row(row);
      }
      bits.emplace(runs, n, max_bytes);
    }
    if (bits) changed = bits->step(union_cells);
    if (!changed) return layer - 1;
    if (bits ? on_layer(layer, *bits) : on_layer(layer, runs)) break;
  }
  return -1;
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
  if (counts && layers == 1 && !next_token) {  // no propagation needed: the mask row plus the residual path
    std::vector<Run> row;
    for (int q = 0; q < n; ++q) {
      runs_union_row(edges, q, row);
      int64_t count = 0;
      bool self = false;
      for (const Run& run : row) {
        count += run.length();
        self |= run.begin <= q && q < run.end;
      }
      reach.counts.push_back(count + (self ? 0 : 1));
    }
    return report;
  }
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
  const int saturated = n < 2 && !counts ? -1 : reach_propagate(edges, layers, max_bytes, on_layer);
  reach.saturated_at = saturated;
  if (next) next->saturated_at = saturated;
  return report;
}

}  // namespace attnscope
