#pragma once
// Masks of the variants defined by an index predicate allowed(q, k): each row is collected as
// column runs, so the mask never holds an N×N bitmap. Not a variant; shared by several.
#include <vector>

#include "core/row_runs.hpp"

namespace attnscope {

template <typename Allowed>
RowRuns predicate_mask(int n, Allowed allowed) {
  RowRuns mask(n, n);
  std::vector<Run> runs;
  for (int q = 0; q < n; ++q) {
    runs.clear();
    for (int k = 0; k < n; ++k) {
      if (!allowed(q, k)) continue;
      if (!runs.empty() && runs.back().end == k) ++runs.back().end;
      else runs.push_back({k, k + 1});
    }
    mask.append_row(runs);
  }
  return mask;
}

// One mask per head from allowed(head, q, k).
template <typename Allowed>
std::vector<RowRuns> predicate_masks(int n, int heads, Allowed allowed) {
  std::vector<RowRuns> masks;
  for (int h = 0; h < heads; ++h)
    masks.push_back(predicate_mask(n, [&](int q, int k) { return allowed(h, q, k); }));
  return masks;
}

// Rows given as sorted key lists (the decode-step variants build their rows that way).
inline RowRuns mask_from_rows(int n, const std::vector<std::vector<int>>& rows) {
  RowRuns mask(n, n);
  for (const std::vector<int>& keys : rows) mask.append_row_from_columns({keys.begin(), keys.end()});
  return mask;
}

}  // namespace attnscope
