#include "core/row_runs.hpp"

#include <algorithm>
#include <stdexcept>

namespace attnscope {

RowRuns::RowRuns(int rows, int cols) : rows_(rows), cols_(cols) {
  row_start_.reserve(static_cast<size_t>(rows) + 1);
  cell_start_.reserve(static_cast<size_t>(rows) + 1);
}

void RowRuns::append_row(std::vector<Run> runs) {
  if (complete()) throw std::logic_error("RowRuns: more rows appended than declared");
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.begin < b.begin; });
  int64_t cells = 0;
  const size_t first = runs_.size();
  for (const Run& run : runs) {
    if (run.begin < 0 || run.end > cols_ || run.begin > run.end)
      throw std::out_of_range("RowRuns: run outside the column range");
    if (run.length() == 0) continue;
    if (runs_.size() > first && runs_.back().end >= run.begin) {
      const int32_t old_end = runs_.back().end;
      runs_.back().end = std::max(old_end, run.end);
      cells += runs_.back().end - old_end;
    } else {
      runs_.push_back(run);
      cells += run.length();
    }
  }
  row_start_.push_back(static_cast<int32_t>(runs_.size()));
  cell_start_.push_back(cell_start_.back() + cells);
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
  append_row(std::move(runs));
}

bool RowRuns::contains(int row, int col) const { return rank_in_row(row, col) >= 0; }

int64_t RowRuns::rank_in_row(int row, int col) const {
  int64_t before = 0;
  for (const Run* r = row_begin(row); r != row_end(row); ++r) {
    if (col < r->begin) return -1;
    if (col < r->end) return before + (col - r->begin);
    before += r->length();
  }
  return -1;
}

std::vector<std::pair<int, int>> RowRuns::cells() const {
  std::vector<std::pair<int, int>> out;
  out.reserve(static_cast<size_t>(count()));
  for (int row = 0; row < rows_; ++row)
    for (const Run* r = row_begin(row); r != row_end(row); ++r)
      for (int c = r->begin; c < r->end; ++c) out.emplace_back(row, c);
  return out;
}

bool RowRuns::operator==(const RowRuns& other) const {
  return rows_ == other.rows_ && cols_ == other.cols_ && runs_ == other.runs_ &&
         row_start_ == other.row_start_;
}

namespace {

enum class SetOp { Intersection, Difference, Union };

// Sweeps the boundaries of both rows' runs; each elementary interval is kept or dropped by op.
std::vector<Run> combine_row(const Run* a, const Run* a_end, const Run* b, const Run* b_end,
                             SetOp op) {
  std::vector<int32_t> cuts;
  for (const Run* r = a; r != a_end; ++r) cuts.insert(cuts.end(), {r->begin, r->end});
  for (const Run* r = b; r != b_end; ++r) cuts.insert(cuts.end(), {r->begin, r->end});
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  auto inside = [](const Run* first, const Run* last, int32_t x) {
    for (const Run* r = first; r != last; ++r)
      if (x >= r->begin && x < r->end) return true;
    return false;
  };
  std::vector<Run> out;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    const bool in_a = inside(a, a_end, cuts[i]);
    const bool in_b = inside(b, b_end, cuts[i]);
    const bool keep = op == SetOp::Intersection ? (in_a && in_b)
                      : op == SetOp::Difference ? (in_a && !in_b)
                                                : (in_a || in_b);
    if (keep) out.push_back({cuts[i], cuts[i + 1]});
  }
  return out;
}

RowRuns combine(const RowRuns& a, const RowRuns& b, SetOp op) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw std::invalid_argument("RowRuns: combining sets of different shapes");
  RowRuns out(a.rows(), a.cols());
  for (int row = 0; row < a.rows(); ++row)
    out.append_row(combine_row(a.row_begin(row), a.row_end(row), b.row_begin(row),
                               b.row_end(row), op));
  return out;
}

}  // namespace

RowRuns runs_intersection(const RowRuns& a, const RowRuns& b) {
  return combine(a, b, SetOp::Intersection);
}
RowRuns runs_difference(const RowRuns& a, const RowRuns& b) {
  return combine(a, b, SetOp::Difference);
}
RowRuns runs_union(const RowRuns& a, const RowRuns& b) { return combine(a, b, SetOp::Union); }

}  // namespace attnscope
