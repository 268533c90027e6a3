#pragma once
// Masks of the variants defined by an index predicate allowed(q, k): each row is collected as
// column runs, so the mask never holds an N×N bitmap. Not a variant; shared by several.
#include <vector>

#include "core/cells/row_runs.hpp"

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

// One mask per head from mask_of(head); heads with the same head_class(head) share one mask
// (e.g. every odd head of a strided pattern) and it is built once.
template <typename HeadClass, typename MaskOf>
std::vector<RowRuns> class_masks(int heads, HeadClass head_class, MaskOf mask_of) {
  std::vector<RowRuns> masks;
  std::vector<int> classes;
  for (int h = 0; h < heads; ++h) {
    const int cls = head_class(h);
    int same = 0;
    while (same < h && classes[same] != cls) ++same;
    classes.push_back(cls);
    masks.push_back(same < h ? masks[same] : mask_of(h));
  }
  return masks;
}

// One mask per head from row_runs(head, q, runs), which appends row q's column runs (any order,
// overlaps allowed): the cost grows with the runs, not with N². Heads share masks by
// head_class(head) as in class_masks.
template <typename HeadClass, typename RowRunsOf>
std::vector<RowRuns> runs_masks(int n, int heads, HeadClass head_class, RowRunsOf row_runs) {
  std::vector<Run> runs;
  return class_masks(heads, head_class, [&](int h) {
    RowRuns mask(n, n);
    for (int q = 0; q < n; ++q) {
      runs.clear();
      row_runs(h, q, runs);
      mask.append_row(runs);
    }
    return mask;
  });
}

// Rows given as sorted key lists (the decode-step variants build their rows that way).
inline RowRuns mask_from_rows(int n, const std::vector<std::vector<int>>& rows) {
  RowRuns mask(n, n);
  for (const std::vector<int>& keys : rows) mask.append_row_from_columns({keys.begin(), keys.end()});
  return mask;
}

}  // namespace attnscope
