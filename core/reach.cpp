#include "core/reach.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <optional>

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
    std::vector<Run> tree;
    std::vector<int64_t> offset(2 * static_cast<size_t>(n_)), length(2 * static_cast<size_t>(n_));
    for (int q = 0; q < n_; ++q) {
      offset[n_ + q] = static_cast<int64_t>(tree.size());
      tree.insert(tree.end(), runs_.begin() + start_[q], runs_.begin() + start_[q + 1]);
      length[n_ + q] = start_[q + 1] - start_[q];
    }
    std::vector<Run> merged;
    for (int i = n_ - 1; i >= 1; --i) {
      merged.clear();
      for (int child : {2 * i, 2 * i + 1})
        merged.insert(merged.end(), tree.begin() + offset[child], tree.begin() + offset[child] + length[child]);
      runs_coalesce(merged);
      offset[i] = static_cast<int64_t>(tree.size());
      length[i] = static_cast<int64_t>(merged.size());
      tree.insert(tree.end(), merged.begin(), merged.end());
      if (static_cast<int64_t>(tree.size()) > max_runs) return false;
    }
    std::vector<Run> next_runs;
    std::vector<int64_t> next_start(static_cast<size_t>(n_) + 1, 0);
    std::vector<Run> row, edge_row;
    changed = false;
    for (int q = 0; q < n_; ++q) {
      row.assign(runs_.begin() + start_[q], runs_.begin() + start_[q + 1]);  // residual path
      runs_union_row(edges, q, edge_row);
      for (const Run& run : edge_row)
        for (int lo = run.begin + n_, hi = run.end + n_; lo < hi; lo /= 2, hi /= 2) {
          if (lo & 1) append_node(tree, offset, length, lo++, row);
          if (hi & 1) append_node(tree, offset, length, --hi, row);
        }
      runs_coalesce(row);
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
  static void append_node(const std::vector<Run>& tree, const std::vector<int64_t>& offset,
                          const std::vector<int64_t>& length, int node, std::vector<Run>& row) {
    row.insert(row.end(), tree.begin() + offset[node], tree.begin() + offset[node] + length[node]);
  }

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
                                   "needs {:.1f} GiB; use --layers 1 or a smaller --n",
                                   n, bytes / double(1 << 30)));
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
  if (layers < 1) throw SceneError("layers: give at least 1 layer, e.g. --layers 2");
  const int n = masks.front().rows();
  const std::vector<const RowRuns*> edges = runs_distinct(masks);
  Reach reach;
  reach.layers = layers;
  if (layers == 1) {  // no propagation needed: the mask row plus the residual path
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
    return reach;
  }
  // Counts are taken after every layer, so a saturated run keeps the last layer's.
  std::vector<int64_t> counts(n, 1);
  auto count_rows = [&](int, const auto& sets) {
    for (int q = 0; q < n; ++q) counts[q] = sets.count(q);
    return false;
  };
  reach.saturated_at = reach_propagate(edges, layers, max_bytes, count_rows);
  reach.counts = std::move(counts);
  return reach;
}

NextTokenReach reach_next_token(const std::vector<RowRuns>& masks, int max_layers, int64_t max_bytes) {
  const int n = masks.front().rows();
  NextTokenReach out;
  out.max_layers = max_layers;
  out.layer.assign(n, -1);
  if (n < 2) return out;
  int open = n - 1;  // queries 0..n-2 that have not yet seen their next token
  auto check = [&](int layer, const auto& sets) {
    for (int q = 0; q + 1 < n; ++q)
      if (out.layer[q] < 0 && sets.contains(q, q + 1)) {
        out.layer[q] = layer;
        --open;
        if (out.first < 0) out.first = layer, out.query = q;
      }
    return open == 0;
  };
  out.saturated_at = reach_propagate(runs_distinct(masks), max_layers, max_bytes, check);
  return out;
}

}  // namespace attnscope
