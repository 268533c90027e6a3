#pragma once
// The rows of a head that keeps columns and diagonals (MInference's vertical-slash): row q is
// {k <= q : k in columns} together with {q - o : o in offsets, o <= q}. Each row holds thousands
// of runs that no other row shares, so they are made when read; the number of cells of every row
// is known beforehand from how often a column and an offset add up to q.
#include <cstdint>
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

class RowRule {
 public:
  // Columns and offsets as runs in any order, overlaps allowed; both non-negative.
  RowRule(int rows, std::vector<Run> columns, std::vector<Run> offsets);

  const std::vector<Run>& columns() const { return columns_; }  // sorted, merged
  const std::vector<Run>& offsets() const { return offsets_; }  // sorted, merged
  int rows() const { return static_cast<int>(cells_before_.size()) - 1; }
  int64_t row_count(int q) const { return cells_before_[q + 1] - cells_before_[q]; }
  // Cells of rows [0, q).
  int64_t cells_before(int q) const { return cells_before_[q]; }
  bool contains(int q, int k) const;
  // The row's first key and one past its last, an empty run for an empty row.
  Run extent(int q) const;
  // Row q's runs, sorted and merged, into `out`.
  void make_row(int q, std::vector<Run>& out) const;
  int64_t bytes() const;

 private:
  std::vector<Run> columns_, offsets_;
  std::vector<int64_t> cells_before_;  // rows + 1 entries
};

// True when a row whose first key and one past its last are `extent` has all its cells inside
// `row`, and `row` is one run (a causal policy's row): known without making a rule-made row.
bool extent_within_one_run(Run extent, const RowSpan& row);

}  // namespace attnscope
