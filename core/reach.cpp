#include "core/reach.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

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

// Bit rows per token (about 3·N²/8 bytes): the fallback when reach sets are not a few runs.
Reach reach_bits(const RowRuns& edges, int layers, int64_t max_bytes) {
  const int n = edges.rows();
  Reach reach;
  reach.layers = layers;
  const int64_t row_bytes = (n + 63) / 64 * 8;
  const int64_t bytes = 3 * row_bytes * n;
  if (bytes > max_bytes)
    throw SceneError(fmt::format("layers: the receptive field of {} tokens over several layers "
                                 "needs {:.1f} GiB; use --layers 1 or a smaller --n",
                                 n, bytes / double(1 << 30)));
  // tree: leaves n..2n-1 hold the current reach of each token, node i the OR of its children.
  BitRows tree(2 * n, n), next(n, n);
  for (int q = 0; q < n; ++q) tree.row(n + q)[q / 64] |= uint64_t{1} << (q % 64);
  for (int layer = 1; layer <= layers; ++layer) {
    for (int i = n - 1; i >= 1; --i) {
      std::copy(tree.row(2 * i), tree.row(2 * i) + tree.words, tree.row(i));
      or_into(tree.row(i), tree.row(2 * i + 1), tree.words);
    }
    bool changed = false;
    for (int q = 0; q < n; ++q) {
      uint64_t* out = next.row(q);
      std::copy(tree.row(n + q), tree.row(n + q) + tree.words, out);  // residual path
      for (const Run* run = edges.row_begin(q); run != edges.row_end(q); ++run)
        for (int lo = run->begin + n, hi = run->end + n; lo < hi; lo /= 2, hi /= 2) {
          if (lo & 1) or_into(out, tree.row(lo++), tree.words);
          if (hi & 1) or_into(out, tree.row(--hi), tree.words);
        }
      changed |= !std::equal(out, out + tree.words, tree.row(n + q));
    }
    std::copy(next.bits.begin(), next.bits.end(), tree.row(n));
    if (!changed) {
      reach.saturated_at = layer - 1;
      break;
    }
  }
  for (int q = 0; q < n; ++q) {
    int64_t count = 0;
    for (int64_t w = 0; w < tree.words; ++w) count += std::popcount(tree.row(n + q)[w]);
    reach.counts.push_back(count);
  }
  return reach;
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
  std::vector<int64_t> counts() const {
    std::vector<int64_t> out(n_, 0);
    for (int q = 0; q < n_; ++q)
      for (int64_t i = start_[q]; i < start_[q + 1]; ++i) out[q] += runs_[i].length();
    return out;
  }

 private:
  static void append_node(const std::vector<Run>& tree, const std::vector<int64_t>& offset,
                          const std::vector<int64_t>& length, int node, std::vector<Run>& row) {
    row.insert(row.end(), tree.begin() + offset[node], tree.begin() + offset[node] + length[node]);
  }

  int n_;
  std::vector<Run> runs_;
  std::vector<int64_t> start_;
};

}  // namespace

Reach reach_compute(const std::vector<RowRuns>& masks, int layers, int64_t max_bytes) {
  if (layers < 1) throw SceneError("layers: give at least 1 layer, e.g. --layers 2");
  const int n = masks.front().rows();
  const std::vector<const RowRuns*> edges = runs_distinct(masks);
  Reach reach;
  reach.layers = layers;
  std::vector<Run> row;
  if (layers == 1) {  // no propagation needed: the mask row plus the residual path
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
  RunReach runs(n);
  bool fits = true;
  for (int layer = 1; layer <= layers && fits; ++layer) {
    bool changed = false;
    fits = runs.step(edges, max_bytes / int64_t{4 * sizeof(Run)}, changed);
    if (fits && !changed) {
      reach.saturated_at = layer - 1;
      break;
    }
  }
  if (fits) {
    reach.counts = runs.counts();
    return reach;
  }
  RowRuns union_cells(n, n);
  for (int q = 0; q < n; ++q) {
    runs_union_row(edges, q, row);
    union_cells.append_row(row);
  }
  return reach_bits(union_cells, layers, max_bytes);
}

}  // namespace attnscope
