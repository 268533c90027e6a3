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

}  // namespace

namespace {

RowRuns heads_union(const std::vector<RowRuns>& masks) {
  RowRuns edges = masks.front();
  for (size_t h = 1; h < masks.size(); ++h) edges = runs_union(edges, masks[h]);
  return edges;
}

// Runs up to `layers` layers over `edges` (plus the residual path). After each layer calls
// on_layer(layer, reach_of) where reach_of(q) is q's bit row; stops when it returns true.
// Returns the layer after which nothing changed any more, or -1.
template <typename OnLayer>
int reach_propagate(const RowRuns& edges, int layers, int64_t max_bytes, OnLayer on_layer) {
  const int n = edges.rows();
  const int64_t row_bytes = (n + 63) / 64 * 8;
  const int64_t bytes = 3 * row_bytes * n;
  if (bytes > max_bytes)
    throw SceneError(fmt::format("layers: the receptive field of {} tokens over several layers "
                                 "needs {:.1f} GiB; use --layers 1 or a smaller --n",
                                 n, bytes / double(1 << 30)));
  // tree: leaves n..2n-1 hold the current reach of each token, node i the OR of its children.
  BitRows tree(2 * n, n), next(n, n);
  for (int q = 0; q < n; ++q) tree.row(n + q)[q / 64] |= uint64_t{1} << (q % 64);
  auto reach_of = [&](int q) -> const uint64_t* { return tree.row(n + q); };
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
    if (!changed) return layer - 1;
    if (on_layer(layer, reach_of)) break;
  }
  return -1;
}

}  // namespace

Reach reach_compute(const std::vector<RowRuns>& masks, int layers, int64_t max_bytes) {
  if (layers < 1) throw SceneError("layers: give at least 1 layer, e.g. --layers 2");
  const int n = masks.front().rows();
  const RowRuns edges = heads_union(masks);
  Reach reach;
  reach.layers = layers;
  if (layers == 1) {  // no propagation needed: the mask row plus the residual path
    for (int q = 0; q < n; ++q)
      reach.counts.push_back(edges.row_count(q) + (edges.contains(q, q) ? 0 : 1));
    return reach;
  }
  const int64_t words = (n + 63) / 64;
  std::vector<int64_t> counts(n);
  auto count_rows = [&](int, auto reach_of) {
    for (int q = 0; q < n; ++q) {
      int64_t count = 0;
      for (int64_t w = 0; w < words; ++w) count += std::popcount(reach_of(q)[w]);
      counts[q] = count;
    }
    return false;
  };
  // Counts are taken after every layer, so a saturated run keeps the last layer's.
  for (int q = 0; q < n; ++q) counts[q] = 1;
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
  auto check = [&](int layer, auto reach_of) {
    for (int q = 0; q + 1 < n; ++q)
      if (out.layer[q] < 0 && (reach_of(q)[(q + 1) / 64] >> ((q + 1) % 64) & 1)) {
        out.layer[q] = layer;
        --open;
        if (out.first < 0) out.first = layer, out.query = q;
      }
    return open == 0;
  };
  out.saturated_at = reach_propagate(heads_union(masks), max_layers, max_bytes, check);
  return out;
}

}  // namespace attnscope
