#pragma once
// A set of (row, column) cells stored as sorted half-open column runs per row. Masks of every
// variant, the policies and the leak sets use it, so an N = 131072 scene never needs an N×N
// bitmap. Copies share their storage (heads with the same mask cost one copy); appending to a
// shared set copies it first. A row may also be a view of runs stored once for many rows (every
// row of a BigBird block, or the rows of a strided head that are prefixes of one list), so such
// masks cost their distinct runs rather than the sum of their rows. A view may end at a column
// (row q of a block-sparse query block is the block's kept list up to q + 1), so rows that differ
// only in where they stop still share one list. A set may instead be made by a rule from one list
// of columns and one of offsets (MInference's vertical-slash heads): row q is the columns up to q
// and the keys q - o, made when read, so the set holds its two lists and a prefix of row counts.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/cells/structure_budget.hpp"

namespace attnscope {

class RowRule;

struct Run {
  int32_t begin = 0;  // first column
  int32_t end = 0;    // one past the last column
  int32_t length() const { return end - begin; }
  bool operator==(const Run&) const = default;
};

// A row's runs as values: stored runs seen up to an end column, the last one cut there (the runs
// before it end earlier, being sorted and apart). Readers never see a stored run past the cut. A
// row made when read owns its runs: iterators stay valid while the span they came from lives.
class RowSpan {
 public:
  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Run;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Run;

    Iterator() = default;
    Iterator(const Run* run, int32_t end_column) : run_(run), end_column_(end_column) {}
    Run operator*() const { return {run_->begin, run_->end < end_column_ ? run_->end : end_column_}; }
    Run operator[](difference_type i) const { return *(*this + i); }
    Iterator& operator++() { ++run_; return *this; }
    Iterator operator++(int) { Iterator old = *this; ++run_; return old; }
    Iterator& operator--() { --run_; return *this; }
    Iterator operator--(int) { Iterator old = *this; --run_; return old; }
    Iterator& operator+=(difference_type i) { run_ += i; return *this; }
    Iterator& operator-=(difference_type i) { run_ -= i; return *this; }
    friend Iterator operator+(Iterator it, difference_type i) { return it += i; }
    friend Iterator operator+(difference_type i, Iterator it) { return it += i; }
    friend Iterator operator-(Iterator it, difference_type i) { return it -= i; }
    friend difference_type operator-(const Iterator& a, const Iterator& b) { return a.run_ - b.run_; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.run_ == b.run_; }
    friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.run_ <=> b.run_; }

   private:
    const Run* run_ = nullptr;
    int32_t end_column_ = INT32_MAX;
  };

  RowSpan() = default;
  // `count` runs from `first`, the last one ending at most at end_column.
  RowSpan(const Run* first, int64_t count, int32_t end_column = INT32_MAX)
      : first_(first), count_(count), end_column_(end_column) {}
  // A plain list of sorted, merged runs.
  RowSpan(const std::vector<Run>& runs) : RowSpan(runs.data(), static_cast<int64_t>(runs.size())) {}  // NOLINT
  // Runs made for this span alone, kept alive by it and its copies.
  explicit RowSpan(std::shared_ptr<const std::vector<Run>> made)
      : first_(made->data()), count_(static_cast<int64_t>(made->size())), made_(std::move(made)) {}

  Iterator begin() const { return {first_, end_column_}; }
  Iterator end() const { return {first_ + count_, end_column_}; }
  int64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  Run operator[](int64_t i) const { return begin()[i]; }
  Run front() const { return *begin(); }
  Run back() const { return begin()[count_ - 1]; }

 private:
  const Run* first_ = nullptr;
  int64_t count_ = 0;
  int32_t end_column_ = INT32_MAX;
  std::shared_ptr<const std::vector<Run>> made_;  // null for stored runs
};

class RowRuns {
 public:
  RowRuns() = default;
  RowRuns(int rows, int cols);
  static RowRuns empty(int rows, int cols);  // complete, no cells
  // Complete set whose row q is {k <= q : k in columns} and {q - o : o in offsets, o <= q}, both
  // given as runs (any order, overlaps allowed; columns below `cols`, offsets below `rows`). Rows
  // are made when read; counts, offsets and membership are answered from the two lists.
  static RowRuns by_rule(int rows, int cols, std::vector<Run> columns, std::vector<Run> offsets);
  // The rule of a set made by_rule (core/cells/row_rule.hpp), null for stored rows.
  const RowRule* rule() const;

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  // True when both hold the same storage (a copy of one set): equal without comparing rows.
  bool shares_storage(const RowRuns& other) const { return data_ == other.data_; }

  // Rows must be appended in order; runs of a row are normalised (sorted, merged).
  void append_row(const std::vector<Run>& runs);
  // Builds a row from sorted or unsorted column ids.
  void append_row_from_columns(std::vector<int32_t> columns);
  // Stores runs for rows to view later, normalised like a row; returns the index of the first.
  int64_t store_runs(const std::vector<Run>& runs);
  // Runs stored so far: less store_runs' result, the length of the list it stored once merged.
  int64_t stored_run_count() const { return static_cast<int64_t>(data_->runs.size()); }
  // Appends a row made of the stored runs [first, first + count) (any stretch of a stored list).
  void append_row_view(int64_t first, int64_t count);
  // Appends a row made of the stored runs [first, first + count) seen up to end_column: runs
  // beginning at or after it are dropped and the last kept run ends at most there. Its cells are
  // counted from a prefix over the stored runs, not by reading them.
  void append_row_view_until(int64_t first, int64_t count, int32_t end_column);
  // Appends a row equal to the last one, sharing its runs.
  void append_row_repeat();

  RowSpan row(int row) const {
    if (data_->rule) return rule_row(row);
    return {data_->runs.data() + row_first(row), data_->row_runs[row], row_end_column(row)};
  }
  // The row's first column and one past its last (an empty run for an empty row), without
  // making a rule row.
  Run row_extent(int row) const;
  // True when both rows are the same stored runs (views of one list, or one row repeated).
  bool same_runs(int row, int other) const {
    if (data_->rule) return row == other;
    return row_first(row) == row_first(other) && data_->row_runs[row] == data_->row_runs[other] &&
           row_end_column(row) == row_end_column(other);
  }
  // Runs of all rows (a run viewed by several rows counts for each). A rule-made set counts them
  // on first use by making every row.
  int64_t run_count() const;

  bool contains(int row, int col) const;
  // Position of (row, col) among the row's cells in column order, or -1 if the cell is absent.
  int64_t rank_in_row(int row, int col) const;
  int64_t row_count(int row) const;
  // Index of the row's first cell in a flat, row-major array of all cells (stored values). The
  // offsets are built on first use, so a set that never meets values never holds them.
  int64_t row_cell_offset(int row) const;
  int64_t count() const { return data_->cell_total; }
  bool complete() const { return data_->rule || static_cast<int>(data_->row_runs.size()) == rows_; }
  // Heap bytes held by the storage (shared copies count once).
  int64_t storage_bytes() const;

  // Every cell as (row, col), row-major; for small sets and tests.
  std::vector<std::pair<int, int>> cells() const;

  bool operator==(const RowRuns& other) const;

 private:
  // Where each row's cells start in a flat array: filled up to the rows appended so far on first
  // use. Readers of filled entries take no lock; a copy starts empty.
  class CellOffsets {
   public:
    CellOffsets() = default;
    CellOffsets(const CellOffsets&) {}
    CellOffsets& operator=(const CellOffsets&) = delete;
    int64_t at(const RowRuns& set, int row) const;

   private:
    mutable std::mutex mutex_;
    mutable std::unique_ptr<int64_t[]> starts_;  // rows + 1 entries, allocated once
    mutable std::atomic<int> filled_{0};         // entries of starts_ that hold their offset
  };
  struct Rule;  // the lists and row counts of a set made by_rule (row_runs.cpp)
  // 32-bit run indices: 4 G runs would be 32 GiB, far past any memory bound; the per-row index
  // is then 8 bytes, the most a mask of 32 distinct heads at N = 131072 holds besides its runs.
  struct Data {
    std::vector<Run> runs;
    std::vector<uint32_t> row_first;  // where each row's runs start in `runs`
    std::vector<uint32_t> row_runs;   // how many runs each row has
    // Where each row's view ends; empty while no row is cut, then one entry per row appended.
    std::vector<int32_t> row_end_column;
    // Cells of runs [0, i) at entry i; empty until a row is cut, then kept up to the runs stored,
    // so cut rows and long views count their cells in O(1).
    std::vector<int64_t> cells_before;
    int64_t run_total = 0;
    int64_t cell_total = 0;
    std::shared_ptr<const Rule> rule;  // set when made by_rule; the vectors above stay empty
    BudgetCharge charge;  // storage_bytes(), kept up to date as the vectors grow
    CellOffsets offsets;
  };
  Data& own();  // the storage, copied first if another set shares it
  RowSpan rule_row(int row) const;
  int64_t row_first(int row) const { return data_->row_first[row]; }
  int32_t row_end_column(int row) const {
    return data_->row_end_column.empty() ? INT32_MAX : data_->row_end_column[row];
  }
  void normalise_into(const std::vector<Run>& runs, std::vector<Run>& stored, int64_t& cells) const;
  void row_appended(Data& data, int64_t first, int64_t count, int64_t cells, int32_t end_column = INT32_MAX);
  static void extend_cells_before(Data& data);
  static int64_t bytes_of(const Data& data);

  int rows_ = 0;
  int cols_ = 0;
  std::shared_ptr<Data> data_ = std::make_shared<Data>();
};

// The sets with distinct storage among `sets`, in order: heads that share a mask count once.
std::vector<const RowRuns*> runs_distinct(const std::vector<RowRuns>& sets);
// Row `row` of the union of `sets`, sorted and merged, into `out`; streams a union of many
// heads without building it.
void runs_union_row(const std::vector<const RowRuns*>& sets, int row, std::vector<Run>& out);
// The union of `sets` as one rule-made set when every set is rule-made with the same shape: the
// union of the rows is the rule of the columns' union and the offsets' union. Empty otherwise.
std::optional<RowRuns> runs_union_by_rule(const std::vector<const RowRuns*>& sets);
// The rows of the union of `sets`, read in increasing order. A row whose runs are the previous
// row's in every set (all rows of a BigBird block view one stored row) reuses the union made for
// that row instead of merging again; rule-made sets are read as their union's rule.
class UnionRows {
 public:
  explicit UnionRows(const std::vector<const RowRuns*>& sets);
  const std::vector<Run>& row(int q);

 private:
  const std::vector<const RowRuns*>& sets_;
  std::optional<RowRuns> by_rule_;
  std::vector<Run> row_;
  int made_for_ = -1;
};
// Sorts `runs` and merges overlapping or touching ones, in place.
void runs_coalesce(std::vector<Run>& runs);
// The union of two sorted, merged run lists, sorted and merged, into `out`; linear.
void runs_union_sorted(RowSpan a, RowSpan b, std::vector<Run>& out);
// Number of cells in both sorted run lists.
int64_t runs_overlap(RowSpan a, RowSpan b);

// Rows [row_begin, row_end) and columns [col_begin, col_end) of `set`, as a set of their own
// whose row 0 and column 0 are row_begin and col_begin.
RowRuns runs_window(const RowRuns& set, int row_begin, int row_end, int col_begin, int col_end);

RowRuns runs_intersection(const RowRuns& a, const RowRuns& b);
RowRuns runs_difference(const RowRuns& a, const RowRuns& b);
RowRuns runs_union(const RowRuns& a, const RowRuns& b);

}  // namespace attnscope
