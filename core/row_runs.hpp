#pragma once
// A set of (row, column) cells stored as sorted half-open column runs per row. Masks of every
// variant, the policies and the leak sets use it, so an N = 8192 scene never needs an N×N bitmap.
#include <cstdint>
#include <vector>

namespace attnscope {

struct Run {
  int32_t begin = 0;  // first column
  int32_t end = 0;    // one past the last column
  int32_t length() const { return end - begin; }
  bool operator==(const Run&) const = default;
};

class RowRuns {
 public:
  RowRuns() = default;
  RowRuns(int rows, int cols);

  int rows() const { return rows_; }
  int cols() const { return cols_; }

  // Rows must be appended in order; runs of a row are normalised (sorted, merged).
  void append_row(std::vector<Run> runs);
  // Builds a row from sorted or unsorted column ids.
  void append_row_from_columns(std::vector<int32_t> columns);

  const Run* row_begin(int row) const { return runs_.data() + row_start_[row]; }
  const Run* row_end(int row) const { return runs_.data() + row_start_[row + 1]; }
  int row_run_count(int row) const { return row_start_[row + 1] - row_start_[row]; }

  bool contains(int row, int col) const;
  // Position of (row, col) among the row's cells in column order, or -1 if the cell is absent.
  int64_t rank_in_row(int row, int col) const;
  int64_t row_count(int row) const { return cell_start_[row + 1] - cell_start_[row]; }
  // Index of the row's first cell in a flat, row-major array of all cells.
  int64_t row_cell_offset(int row) const { return cell_start_[row]; }
  int64_t count() const { return cell_start_.empty() ? 0 : cell_start_.back(); }
  bool complete() const { return static_cast<int>(row_start_.size()) == rows_ + 1; }

  // Every cell as (row, col), row-major; for small sets and tests.
  std::vector<std::pair<int, int>> cells() const;

  bool operator==(const RowRuns& other) const;

 private:
  int rows_ = 0;
  int cols_ = 0;
  std::vector<Run> runs_;
  std::vector<int32_t> row_start_{0};
  std::vector<int64_t> cell_start_{0};
};

RowRuns runs_intersection(const RowRuns& a, const RowRuns& b);
RowRuns runs_difference(const RowRuns& a, const RowRuns& b);
RowRuns runs_union(const RowRuns& a, const RowRuns& b);

}  // namespace attnscope
