#include "core/cells/row_runs.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "core/base/progress_scope.hpp"
#include "core/cells/row_rule.hpp"

namespace attnscope {

RowRuns::RowRuns(int rows, int cols) : rows_(rows), cols_(cols) {
  data_->row_first.reserve(static_cast<size_t>(rows));
  data_->row_runs.reserve(static_cast<size_t>(rows));
  data_->charge.update(bytes_of(*data_));
}

// The rule and, counted on first use, the runs of all its rows.
struct RowRuns::Rule : RowRule {
  using RowRule::RowRule;
  mutable std::once_flag runs_counted;
  mutable int64_t run_total = 0;
};

RowRuns RowRuns::by_rule(int rows, int cols, std::vector<Run> columns, std::vector<Run> offsets) {
  for (const Run run : columns)
    if (run.begin < 0 || run.end > cols || run.begin > run.end)
      throw std::out_of_range("RowRuns: a rule's column outside the column range");
  for (const Run run : offsets)
    if (run.begin < 0 || run.end > rows || run.begin > run.end)
      throw std::out_of_range("RowRuns: a rule's offset outside the row range");
  RowRuns out;
  out.rows_ = rows;
  out.cols_ = cols;
  auto rule = std::make_shared<Rule>(rows, std::move(columns), std::move(offsets));
  out.data_->cell_total = rule->cells_before(rows);
  out.data_->rule = std::move(rule);
  out.data_->charge.update(bytes_of(*out.data_));
  return out;
}

const RowRule* RowRuns::rule() const { return data_->rule.get(); }

RowSpan RowRuns::rule_row(int row) const {
  auto made = std::make_shared<std::vector<Run>>();
  data_->rule->make_row(row, *made);
  return RowSpan(std::shared_ptr<const std::vector<Run>>(std::move(made)));
}

Run RowRuns::row_extent(int row) const {
  if (data_->rule) return data_->rule->extent(row);
  const RowSpan runs = this->row(row);
  return runs.empty() ? Run{} : Run{runs.front().begin, runs.back().end};
}

int64_t RowRuns::run_count() const {
  const Rule* rule = data_->rule.get();
  if (!rule) return data_->run_total;
  // Every row is made once, thousands of runs each at large N: reported, and a cancel leaves
  // the count to be made again.
  std::call_once(rule->runs_counted, [&] {
    std::vector<Run> runs;
    int64_t total = 0;
    for (int q = 0; q < rows_; ++q) {
      progress_report(q, rows_);
      rule->make_row(q, runs);
      total += static_cast<int64_t>(runs.size());
    }
    rule->run_total = total;
  });
  return rule->run_total;
}

RowRuns::Data& RowRuns::own() {
  if (data_->rule) throw std::logic_error("RowRuns: a rule-made set takes no rows");
  if (data_.use_count() > 1) {
    data_ = std::make_shared<Data>(*data_);
    data_->charge.update(bytes_of(*data_));
  }
  return *data_;
}

int64_t RowRuns::bytes_of(const Data& data) {
  return static_cast<int64_t>(data.runs.capacity() * sizeof(Run) +
                              data.row_first.capacity() * sizeof(uint32_t) +
                              data.row_runs.capacity() * sizeof(uint32_t) +
                              data.row_end_column.capacity() * sizeof(int32_t) +
                              data.cells_before.capacity() * sizeof(int64_t)) +
         (data.rule ? data.rule->bytes() : 0);
}

int64_t RowRuns::storage_bytes() const { return bytes_of(*data_); }

// Appends `runs` to `stored`, sorted and merged, adding their cells to `cells`; sorting in
// `stored` leaves the caller's list alone, so callers reuse one list for every row.
void RowRuns::normalise_into(const std::vector<Run>& runs, std::vector<Run>& stored, int64_t& cells) const {
  const size_t first = stored.size();
  for (const Run& run : runs)
    if (run.begin < 0 || run.end > cols_ || run.begin > run.end)
      throw std::out_of_range("RowRuns: run outside the column range");
  stored.insert(stored.end(), runs.begin(), runs.end());
  const auto row = stored.begin() + static_cast<std::ptrdiff_t>(first);
  if (!std::is_sorted(row, stored.end(), [](const Run& a, const Run& b) { return a.begin < b.begin; }))
    std::sort(row, stored.end(), [](const Run& a, const Run& b) { return a.begin < b.begin; });
  size_t kept = first;
  for (size_t i = first; i < stored.size(); ++i) {
    const Run run = stored[i];
    if (run.length() == 0) continue;
    if (kept > first && stored[kept - 1].end >= run.begin) {
      const int32_t old_end = stored[kept - 1].end;
      stored[kept - 1].end = std::max(old_end, run.end);
      cells += stored[kept - 1].end - old_end;
    } else {
      stored[kept++] = run;
      cells += run.length();
    }
  }
  stored.resize(kept);
}

void RowRuns::extend_cells_before(Data& data) {
  if (data.cells_before.empty()) data.cells_before.push_back(0);
  for (size_t i = data.cells_before.size() - 1; i < data.runs.size(); ++i)
    data.cells_before.push_back(data.cells_before.back() + data.runs[i].length());
}

void RowRuns::row_appended(Data& data, int64_t first, int64_t count, int64_t cells, int32_t end_column) {
  if (static_cast<uint64_t>(data.runs.size()) > UINT32_MAX)
    throw std::length_error("RowRuns: more than 4 G runs");
  if (end_column != INT32_MAX || !data.row_end_column.empty()) {
    if (data.row_end_column.empty()) {  // the first cut row: the rows before end nowhere
      data.row_end_column.reserve(static_cast<size_t>(rows_));
      data.row_end_column.assign(data.row_first.size(), INT32_MAX);
    }
    data.row_end_column.push_back(end_column);
  }
  if (!data.cells_before.empty()) extend_cells_before(data);
  data.row_first.push_back(static_cast<uint32_t>(first));
  data.row_runs.push_back(static_cast<uint32_t>(count));
  data.run_total += count;
  data.cell_total += cells;
  // A set lives on after its last row, often by the dozen (one per head): without the slack
  // that growth left, which can be as large as the runs themselves.
  if (complete()) {
    data.runs.shrink_to_fit();
    data.cells_before.shrink_to_fit();
  }
  data.charge.update(bytes_of(data));
}

void RowRuns::append_row(const std::vector<Run>& runs) {
  if (complete()) throw std::logic_error("RowRuns: more rows appended than declared");
  Data& data = own();
  const int64_t first = static_cast<int64_t>(data.runs.size());
  int64_t cells = 0;
  normalise_into(runs, data.runs, cells);
  row_appended(data, first, static_cast<int64_t>(data.runs.size()) - first, cells);
}

int64_t RowRuns::store_runs(const std::vector<Run>& runs) {
  Data& data = own();
  const int64_t first = static_cast<int64_t>(data.runs.size());
  int64_t cells = 0;
  normalise_into(runs, data.runs, cells);
  if (!data.cells_before.empty()) extend_cells_before(data);
  data.charge.update(bytes_of(data));
  return first;
}

void RowRuns::append_row_view(int64_t first, int64_t count) {
  if (complete()) throw std::logic_error("RowRuns: more rows appended than declared");
  Data& data = own();
  if (first < 0 || count < 0 || first + count > static_cast<int64_t>(data.runs.size()))
    throw std::out_of_range("RowRuns: a row view outside the stored runs");
  int64_t cells = 0;
  if (data.cells_before.empty()) {
    for (int64_t i = first; i < first + count; ++i) cells += data.runs[static_cast<size_t>(i)].length();
  } else {
    cells = data.cells_before[static_cast<size_t>(first + count)] - data.cells_before[static_cast<size_t>(first)];
  }
  row_appended(data, first, count, cells);
}

void RowRuns::append_row_view_until(int64_t first, int64_t count, int32_t end_column) {
  if (complete()) throw std::logic_error("RowRuns: more rows appended than declared");
  Data& data = own();
  if (first < 0 || count < 0 || first + count > static_cast<int64_t>(data.runs.size()))
    throw std::out_of_range("RowRuns: a row view outside the stored runs");
  if (end_column < 0 || end_column > cols_) throw std::out_of_range("RowRuns: a row view ending outside the columns");
  extend_cells_before(data);
  const auto list = data.runs.begin() + static_cast<std::ptrdiff_t>(first);
  const auto kept_end = std::lower_bound(list, list + static_cast<std::ptrdiff_t>(count), end_column,
                                         [](const Run& run, int32_t column) { return run.begin < column; });
  const int64_t kept = kept_end - list;
  int64_t cells = data.cells_before[static_cast<size_t>(first + kept)] - data.cells_before[static_cast<size_t>(first)];
  if (kept > 0) cells -= std::max(0, (kept_end - 1)->end - end_column);
  row_appended(data, first, kept, cells, end_column);
}

void RowRuns::append_row_repeat() {
  const int row = static_cast<int>(data_->row_runs.size()) - 1;
  if (row < 0) throw std::logic_error("RowRuns: no row to repeat");
  const int64_t cells = row_count(row);
  Data& data = own();
  row_appended(data, row_first(row), data.row_runs[static_cast<size_t>(row)], cells, row_end_column(row));
}

void RowRuns::append_row_from_columns(std::vector<int32_t> columns) {
  std::sort(columns.begin(), columns.end());
  std::vector<Run> runs;
  for (int32_t c : columns) {
    if (!runs.empty() && runs.back().end >= c) {
      runs.back().end = std::max(runs.back().end, c + 1);
    } else {
      runs.push_back({c, c + 1});
    }
  }
  append_row(runs);
}

RowRuns RowRuns::empty(int rows, int cols) {
  RowRuns out(rows, cols);
  out.data_->row_first.assign(static_cast<size_t>(rows), 0);
  out.data_->row_runs.assign(static_cast<size_t>(rows), 0);
  out.data_->charge.update(bytes_of(*out.data_));
  return out;
}

bool RowRuns::contains(int row, int col) const {
  if (data_->rule) return data_->rule->contains(row, col);
  return rank_in_row(row, col) >= 0;
}

int64_t RowRuns::row_count(int row) const {
  if (data_->rule) return data_->rule->row_count(row);
  const RowSpan runs = this->row(row);
  if (runs.empty()) return 0;
  const Data& data = *data_;
  const int64_t first = row_first(row), end = first + runs.size();
  if (data.cells_before.size() > static_cast<size_t>(end))
    return data.cells_before[static_cast<size_t>(end)] - data.cells_before[static_cast<size_t>(first)] -
           (data.runs[static_cast<size_t>(end - 1)].end - runs.back().end);
  int64_t cells = 0;
  for (const Run r : runs) cells += r.length();
  return cells;
}

int64_t RowRuns::row_cell_offset(int row) const {
  if (data_->rule) return data_->rule->cells_before(row);
  return data_->offsets.at(*this, row);
}

int64_t RowRuns::CellOffsets::at(const RowRuns& set, int row) const {
  if (row < filled_.load(std::memory_order_acquire)) return starts_[row];
  const std::lock_guard<std::mutex> lock(mutex_);
  int filled = filled_.load(std::memory_order_relaxed);
  if (!starts_) {
    starts_ = std::make_unique<int64_t[]>(static_cast<size_t>(set.rows()) + 1);
    starts_[0] = 0;
    filled = 1;
  }
  // Entry r + 1 needs row r appended; a row not yet appended has no offset.
  const int appended = static_cast<int>(set.data_->row_runs.size());
  if (row > appended) throw std::out_of_range("RowRuns: the offset of a row not yet appended");
  for (; filled <= appended; ++filled) starts_[filled] = starts_[filled - 1] + set.row_count(filled - 1);
  filled_.store(filled, std::memory_order_release);
  return starts_[row];
}

int64_t RowRuns::rank_in_row(int row, int col) const {
  if (data_->rule && !data_->rule->contains(row, col)) return -1;
  int64_t before = 0;
  for (const Run r : this->row(row)) {
    if (col < r.begin) return -1;
    if (col < r.end) return before + (col - r.begin);
    before += r.length();
  }
  return -1;
}

std::vector<std::pair<int, int>> RowRuns::cells() const {
  std::vector<std::pair<int, int>> out;
  out.reserve(static_cast<size_t>(count()));
  for (int row = 0; row < rows_; ++row)
    for (const Run r : this->row(row))
      for (int c = r.begin; c < r.end; ++c) out.emplace_back(row, c);
  return out;
}

bool RowRuns::operator==(const RowRuns& other) const {
  if (rows_ != other.rows_ || cols_ != other.cols_) return false;
  if (shares_storage(other)) return true;
  if (data_->cell_total != other.data_->cell_total || complete() != other.complete()) return false;
  const Rule *mine = data_->rule.get(), *theirs = other.data_->rule.get();
  if (mine && theirs && mine->columns() == theirs->columns() && mine->offsets() == theirs->offsets()) return true;
  // A rule-made set against another set: row by row, counts first.
  if (mine || theirs) {
    for (int row = 0; row < rows_; ++row)
      if (row_count(row) != other.row_count(row)) return false;
  } else if (data_->row_runs != other.data_->row_runs) {
    return false;
  }
  for (int row = 0; row < static_cast<int>(mine || theirs ? rows_ : data_->row_runs.size()); ++row) {
    const RowSpan mine = this->row(row), theirs = other.row(row);
    if (!std::equal(mine.begin(), mine.end(), theirs.begin())) return false;
  }
  return true;
}

namespace {

enum class SetOp { Intersection, Difference, Union };

// One merge pass over the boundaries of both rows' runs (sorted, disjoint, not touching); each
// elementary interval is kept or dropped by op.
void combine_row(RowSpan a, RowSpan b, SetOp op, std::vector<Run>& out) {
  if (op != SetOp::Union && b.size() == 1 && b.front().begin < b.front().end) {
    // One run on b's side (a causal policy's row, a window): clipping a's runs against it is
    // linear without the general walk over both lists' boundaries, most of the time of a leak set
    // of 32 BigBird heads at N = 131072.
    const Run only = b.front();
    out.clear();
    for (const Run run : a) {
      if (op == SetOp::Intersection) {
        const Run inside{std::max(run.begin, only.begin), std::min(run.end, only.end)};
        if (inside.begin < inside.end) out.push_back(inside);
        continue;
      }
      if (run.begin < only.begin) out.push_back({run.begin, std::min(run.end, only.begin)});
      if (run.end > only.end) out.push_back({std::max(run.begin, only.end), run.end});
    }
    return;
  }
  const size_t a_cuts = 2 * static_cast<size_t>(a.size()), b_cuts = 2 * static_cast<size_t>(b.size());
  auto cut = [](const RowSpan& runs, size_t i) {
    const Run run = runs[static_cast<int64_t>(i / 2)];
    return i % 2 == 0 ? run.begin : run.end;
  };
  out.clear();
  size_t i = 0, j = 0;
  int32_t previous = 0;
  while (i < a_cuts || j < b_cuts) {
    const int32_t x = std::min(i < a_cuts ? cut(a, i) : INT32_MAX, j < b_cuts ? cut(b, j) : INT32_MAX);
    // Between two cuts, being inside a run means an odd number of its cuts were passed.
    const bool in_a = i % 2 == 1, in_b = j % 2 == 1;
    const bool keep = op == SetOp::Intersection ? (in_a && in_b)
                      : op == SetOp::Difference ? (in_a && !in_b)
                                                : (in_a || in_b);
    if (keep && previous < x) {
      if (!out.empty() && out.back().end == previous) out.back().end = x;
      else out.push_back({previous, x});
    }
    while (i < a_cuts && cut(a, i) == x) ++i;
    while (j < b_cuts && cut(b, j) == x) ++j;
    previous = x;
  }
}

RowRuns combine(const RowRuns& a, const RowRuns& b, SetOp op) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument("RowRuns: combining sets of different shapes");
  if (a.shares_storage(b)) return op == SetOp::Difference ? RowRuns::empty(a.rows(), a.cols()) : a;
  RowRuns out(a.rows(), a.cols());
  std::vector<Run> row_runs;
  for (int row = 0; row < a.rows(); ++row) {
    const RowSpan theirs = b.row(row);
    // A row inside b's one run (a causal row against a causal policy) leaves nothing.
    if (op == SetOp::Difference && extent_within_one_run(a.row_extent(row), theirs)) {
      out.append_row({});
      continue;
    }
    combine_row(a.row(row), theirs, op, row_runs);
    out.append_row(row_runs);
  }
  return out;
}

}  // namespace

std::vector<const RowRuns*> runs_distinct(const std::vector<RowRuns>& sets) {
  std::vector<const RowRuns*> out;
  for (const RowRuns& set : sets)
    if (std::none_of(out.begin(), out.end(), [&](const RowRuns* seen) { return seen->shares_storage(set); }))
      out.push_back(&set);
  return out;
}

namespace {

bool begins_before(const Run& a, const Run& b) { return a.begin < b.begin; }

// Merges overlapping or touching runs of a list sorted by first column, in place.
void merge_touching(std::vector<Run>& runs) {
  size_t kept = 0;
  for (const Run& run : runs) {
    if (kept > 0 && runs[kept - 1].end >= run.begin) runs[kept - 1].end = std::max(runs[kept - 1].end, run.end);
    else runs[kept++] = run;
  }
  runs.resize(kept);
}

}  // namespace

void runs_coalesce(std::vector<Run>& runs) {
  std::sort(runs.begin(), runs.end(), begins_before);
  merge_touching(runs);
}

void runs_union_row(const std::vector<const RowRuns*>& sets, int row, std::vector<Run>& out) {
  out.clear();
  // Each set's row is sorted already: for a few sets, merging them in turn is linear where
  // sorting their concatenation was most of the time of a receptive field over two heads.
  constexpr size_t kMergedSets = 4;
  for (const RowRuns* set : sets) {
    const size_t sorted = out.size();
    const RowSpan runs = set->row(row);
    out.insert(out.end(), runs.begin(), runs.end());
    if (sets.size() <= kMergedSets && sorted > 0 && sorted < out.size() && begins_before(out[sorted], out[sorted - 1]))
      std::inplace_merge(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(sorted), out.end(), begins_before);
  }
  if (sets.size() > kMergedSets) std::sort(out.begin(), out.end(), begins_before);
  merge_touching(out);
}

std::optional<RowRuns> runs_union_by_rule(const std::vector<const RowRuns*>& sets) {
  if (sets.empty()) return std::nullopt;
  std::vector<Run> columns, offsets;
  for (const RowRuns* set : sets) {
    if (!set->rule() || set->rows() != sets.front()->rows() || set->cols() != sets.front()->cols())
      return std::nullopt;
    const RowRule& rule = *set->rule();
    columns.insert(columns.end(), rule.columns().begin(), rule.columns().end());
    offsets.insert(offsets.end(), rule.offsets().begin(), rule.offsets().end());
  }
  if (sets.size() == 1) return *sets.front();
  return RowRuns::by_rule(sets.front()->rows(), sets.front()->cols(), std::move(columns), std::move(offsets));
}

UnionRows::UnionRows(const std::vector<const RowRuns*>& sets) : sets_(sets), by_rule_(runs_union_by_rule(sets)) {}

const std::vector<Run>& UnionRows::row(int q) {
  if (by_rule_) {
    const RowSpan runs = by_rule_->row(q);
    row_.assign(runs.begin(), runs.end());
    return row_;
  }
  const bool repeated = made_for_ >= 0 && std::all_of(sets_.begin(), sets_.end(), [&](const RowRuns* set) {
                          return set->same_runs(q, made_for_);
                        });
  if (!repeated) runs_union_row(sets_, q, row_);
  made_for_ = q;
  return row_;
}

RowRuns runs_window(const RowRuns& set, int row_begin, int row_end, int col_begin, int col_end) {
  if (row_begin < 0 || row_end > set.rows() || row_begin > row_end || col_begin < 0 ||
      col_end > set.cols() || col_begin > col_end)
    throw std::out_of_range("RowRuns: a window outside the set");
  RowRuns out(row_end - row_begin, col_end - col_begin);
  std::vector<Run> row;
  for (int q = row_begin; q < row_end; ++q) {
    row.clear();
    for (const Run r : set.row(q)) {
      const int32_t begin = std::max(r.begin, col_begin), end = std::min(r.end, col_end);
      if (begin < end) row.push_back({begin - col_begin, end - col_begin});
    }
    out.append_row(row);
  }
  return out;
}

void runs_union_sorted(RowSpan a, RowSpan b, std::vector<Run>& out) { combine_row(a, b, SetOp::Union, out); }

int64_t runs_overlap(RowSpan a, RowSpan b) {
  int64_t cells = 0;
  auto x = a.begin(), y = b.begin();
  while (x != a.end() && y != b.end()) {
    const Run r = *x, s = *y;
    cells += std::max(0, std::min(r.end, s.end) - std::max(r.begin, s.begin));
    if (r.end < s.end) ++x;
    else ++y;
  }
  return cells;
}

RowRuns runs_intersection(const RowRuns& a, const RowRuns& b) {
  return combine(a, b, SetOp::Intersection);
}
RowRuns runs_difference(const RowRuns& a, const RowRuns& b) {
  return combine(a, b, SetOp::Difference);
}
RowRuns runs_union(const RowRuns& a, const RowRuns& b) { return combine(a, b, SetOp::Union); }

}  // namespace attnscope
