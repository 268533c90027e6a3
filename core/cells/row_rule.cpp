#include "core/cells/row_rule.hpp"

#include <algorithm>

namespace attnscope {
namespace {

// Index of the last run beginning at or before `column`, or -1.
std::ptrdiff_t last_beginning_by(const std::vector<Run>& runs, int32_t column) {
  const auto after = std::upper_bound(runs.begin(), runs.end(), column,
                                      [](int32_t c, const Run& run) { return c < run.begin; });
  return (after - runs.begin()) - 1;
}

bool holds(const std::vector<Run>& runs, int32_t column) {
  const std::ptrdiff_t i = last_beginning_by(runs, column);
  return i >= 0 && column < runs[static_cast<size_t>(i)].end;
}

// Cells of `runs` in [0, q] for every q < rows, as an indicator summed along the way.
std::vector<int32_t> indicator(const std::vector<Run>& runs, int rows) {
  std::vector<int32_t> in(static_cast<size_t>(rows), 0);
  for (const Run run : runs)
    for (int32_t c = run.begin; c < std::min(run.end, rows); ++c) in[static_cast<size_t>(c)] = 1;
  return in;
}

// pairs[x] = #{(v, o) : v in columns, o in offsets, v + o = x} for x < rows: the keys that a
// column and a diagonal both give to row x, counted once in the row. Two runs add up to a
// trapezoid whose second difference is four points, so the cost is one step per pair of runs.
std::vector<int64_t> sums_of_pairs(const std::vector<Run>& columns, const std::vector<Run>& offsets, int rows) {
  std::vector<int64_t> second(static_cast<size_t>(rows) + 2, 0);
  const auto add = [&](int64_t x, int64_t by) {
    if (x < rows) second[static_cast<size_t>(x)] += by;
  };
  for (const Run v : columns) {
    for (const Run o : offsets) {
      const int64_t start = int64_t{v.begin} + o.begin;
      if (start >= rows) break;  // offsets ascend
      add(start, 1);
      add(start + v.length(), -1);
      add(start + o.length(), -1);
      add(start + v.length() + o.length(), 1);
    }
  }
  int64_t slope = 0, value = 0;
  std::vector<int64_t> pairs(static_cast<size_t>(rows));
  for (int x = 0; x < rows; ++x) {
    slope += second[static_cast<size_t>(x)];
    value += slope;
    pairs[static_cast<size_t>(x)] = value;
  }
  return pairs;
}

}  // namespace

RowRule::RowRule(int rows, std::vector<Run> columns, std::vector<Run> offsets)
    : columns_(std::move(columns)), offsets_(std::move(offsets)) {
  runs_coalesce(columns_);
  runs_coalesce(offsets_);
  std::erase_if(columns_, [](const Run& run) { return run.length() <= 0; });
  std::erase_if(offsets_, [](const Run& run) { return run.length() <= 0; });
  const std::vector<int32_t> column_in = indicator(columns_, rows), offset_in = indicator(offsets_, rows);
  const std::vector<int64_t> both = sums_of_pairs(columns_, offsets_, rows);
  cells_before_.assign(static_cast<size_t>(rows) + 1, 0);
  int64_t columns_up_to = 0, offsets_up_to = 0;
  for (int q = 0; q < rows; ++q) {
    columns_up_to += column_in[static_cast<size_t>(q)];
    offsets_up_to += offset_in[static_cast<size_t>(q)];
    cells_before_[static_cast<size_t>(q) + 1] =
        cells_before_[static_cast<size_t>(q)] + columns_up_to + offsets_up_to - both[static_cast<size_t>(q)];
  }
}

bool RowRule::contains(int q, int k) const {
  return k >= 0 && k <= q && (holds(columns_, k) || holds(offsets_, q - k));
}

Run RowRule::extent(int q) const {
  int32_t first = INT32_MAX, last = -1;
  if (!columns_.empty() && columns_.front().begin <= q) {
    first = columns_.front().begin;
    last = std::min(columns_[static_cast<size_t>(last_beginning_by(columns_, q))].end - 1, q);
  }
  if (!offsets_.empty() && offsets_.front().begin <= q) {
    // The smallest offset gives the last key, the largest one up to q the first.
    const int32_t largest = std::min(offsets_[static_cast<size_t>(last_beginning_by(offsets_, q))].end - 1, q);
    first = std::min(first, q - largest);
    last = std::max(last, q - offsets_.front().begin);
  }
  return last < 0 ? Run{} : Run{first, last + 1};
}

void RowRule::make_row(int q, std::vector<Run>& out) const {
  out.clear();
  // Columns ascend, and offsets read from the largest give ascending keys: a merge, no sort.
  size_t ci = 0;
  std::ptrdiff_t oi = last_beginning_by(offsets_, q);
  const auto push = [&](Run run) {
    if (!out.empty() && out.back().end >= run.begin) out.back().end = std::max(out.back().end, run.end);
    else out.push_back(run);
  };
  while (true) {
    const bool column = ci < columns_.size() && columns_[ci].begin <= q;
    const bool offset = oi >= 0;
    if (!column && !offset) break;
    const Run o = offset ? offsets_[static_cast<size_t>(oi)] : Run{};
    const Run from_offset = offset ? Run{std::max(0, q - o.end + 1), q - o.begin + 1} : Run{};
    if (column && (!offset || columns_[ci].begin <= from_offset.begin)) {
      push({columns_[ci].begin, std::min(columns_[ci].end, q + 1)});
      ++ci;
    } else {
      push(from_offset);
      --oi;
    }
  }
}

int64_t RowRule::bytes() const {
  return static_cast<int64_t>((columns_.capacity() + offsets_.capacity()) * sizeof(Run) +
                              cells_before_.capacity() * sizeof(int64_t));
}

bool extent_within_one_run(Run extent, const RowSpan& row) {
  return extent.begin == extent.end ||
         (row.size() == 1 && row.front().begin <= extent.begin && extent.end <= row.front().end);
}

}  // namespace attnscope
