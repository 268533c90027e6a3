#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "core/cells/row_runs.hpp"

namespace attnscope {
namespace {

using CellSet = std::set<std::pair<int, int>>;

RowRuns random_runs(std::mt19937& rng, int n, CellSet& cells) {
  RowRuns runs(n, n);
  std::bernoulli_distribution coin(0.35);
  for (int r = 0; r < n; ++r) {
    std::vector<int32_t> cols;
    for (int c = 0; c < n; ++c)
      if (coin(rng)) {
        cols.push_back(c);
        cells.insert({r, c});
      }
    std::shuffle(cols.begin(), cols.end(), rng);
    runs.append_row_from_columns(cols);
  }
  return runs;
}

CellSet cell_set(const RowRuns& runs) {
  const auto cells = runs.cells();
  return CellSet(cells.begin(), cells.end());
}

// Intersection, difference and union of a and b against the same operations on their cells.
void expect_set_operations_match(const RowRuns& a, const CellSet& a_cells, const RowRuns& b, const CellSet& b_cells) {
  CellSet inter, diff, uni = a_cells;
  for (const auto& c : a_cells) (b_cells.count(c) ? inter : diff).insert(c);
  uni.insert(b_cells.begin(), b_cells.end());
  EXPECT_EQ(cell_set(runs_intersection(a, b)), inter) << a.rows();
  EXPECT_EQ(cell_set(runs_difference(a, b)), diff) << a.rows();
  EXPECT_EQ(cell_set(runs_union(a, b)), uni) << a.rows();
}

// Right-hand sides of scattered cells, and of one run per row (a causal policy, a window), which
// take a shorter path through the set operations: every placement of that run against the
// left-hand runs.
TEST(RowRuns, SetOperationsMatchBruteForce) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 1 + trial;
    CellSet a_cells, b_cells, single_cells;
    const RowRuns a = random_runs(rng, n, a_cells);
    const RowRuns b = random_runs(rng, n, b_cells);
    EXPECT_EQ(cell_set(a), a_cells);
    EXPECT_EQ(a.count(), static_cast<int64_t>(a_cells.size()));
    expect_set_operations_match(a, a_cells, b, b_cells);
    RowRuns single(n, n);
    std::uniform_int_distribution<int> column(0, n);
    for (int r = 0; r < n; ++r) {
      int lo = column(rng), hi = column(rng);
      if (lo > hi) std::swap(lo, hi);
      single.append_row({{lo, hi}});
      for (int c = lo; c < hi; ++c) single_cells.insert({r, c});
    }
    expect_set_operations_match(a, a_cells, single, single_cells);
  }
}

// UnionRows reuses a union only when every set repeats its previous row.
TEST(RowRuns, UnionRowsEqualsTheUnionOfEachRow) {
  RowRuns blocks(6, 10), scattered(6, 10);
  const int64_t stored = blocks.store_runs({{0, 2}, {6, 8}});
  blocks.append_row_view(stored, 2);
  blocks.append_row_repeat();
  blocks.append_row_repeat();
  blocks.append_row_view(stored + 1, 1);
  blocks.append_row_repeat();
  blocks.append_row({{6, 8}});  // equal runs, stored anew
  for (int r = 0; r < 6; ++r) scattered.append_row({{r == 2 ? 3 : 9, r == 2 ? 4 : 10}});
  const std::vector<const RowRuns*> sets = {&blocks, &scattered};
  UnionRows union_rows(sets);
  std::vector<attnscope::Run> expected;
  for (int r = 0; r < 6; ++r) {
    runs_union_row(sets, r, expected);
    EXPECT_EQ(union_rows.row(r), expected) << r;
  }
}

TEST(RowRuns, RankCountsCellsBeforeInTheRow) {
  RowRuns r(1, 20);
  r.append_row({{15, 18}, {2, 5}, {4, 7}});  // unsorted and overlapping: merged to [2,7) [15,18)
  EXPECT_EQ(r.row(0).size(), 2);
  EXPECT_EQ(r.rank_in_row(0, 2), 0);
  EXPECT_EQ(r.rank_in_row(0, 6), 4);
  EXPECT_EQ(r.rank_in_row(0, 15), 5);
  EXPECT_EQ(r.rank_in_row(0, 17), 7);
  EXPECT_EQ(r.rank_in_row(0, 7), -1);
  EXPECT_EQ(r.rank_in_row(0, 1), -1);
  EXPECT_EQ(r.count(), 8);
}

TEST(RowRuns, RejectsRunsOutsideTheColumns) {
  RowRuns r(1, 4);
  EXPECT_THROW(r.append_row({{2, 5}}), std::out_of_range);
}

// Rows that view stored runs read, count and combine like rows appended run by run.
TEST(RowRuns, ViewedRowsEqualTheSameRowsAppended) {
  RowRuns viewed(5, 12), appended(5, 12);
  viewed.append_row({{0, 2}});
  const int64_t every_third = viewed.store_runs({{9, 10}, {0, 1}, {3, 4}, {6, 7}});
  viewed.append_row_view(every_third, 2);      // [0,1) [3,4)
  viewed.append_row_repeat();                  // the same again
  viewed.append_row({{5, 8}, {1, 2}});         // an ordinary row after views
  viewed.append_row_view(every_third + 1, 3);  // [3,4) [6,7) [9,10)
  appended.append_row({{0, 2}});
  appended.append_row({{0, 1}, {3, 4}});
  appended.append_row({{0, 1}, {3, 4}});
  appended.append_row({{1, 2}, {5, 8}});
  appended.append_row({{3, 4}, {6, 7}, {9, 10}});
  EXPECT_EQ(viewed, appended);
  EXPECT_EQ(viewed.cells(), appended.cells());
  EXPECT_EQ(viewed.count(), 13);
  EXPECT_EQ(viewed.run_count(), 10);  // runs of all rows, a shared run once per row
  EXPECT_EQ(viewed.rank_in_row(2, 3), 1);
  EXPECT_EQ(viewed.row_cell_offset(4), 10);
  EXPECT_EQ(runs_difference(viewed, appended).count(), 0);
  EXPECT_EQ(runs_union(viewed, appended), appended);
  RowRuns differs(5, 12);
  for (int row = 0; row < 4; ++row) differs.append_row({viewed.row(row).begin(), viewed.row(row).end()});
  differs.append_row({{3, 4}, {6, 7}, {10, 11}});
  EXPECT_FALSE(viewed == differs);
  EXPECT_THROW(viewed.append_row_view(0, 1), std::logic_error);  // all rows appended
  RowRuns outside(1, 12);
  EXPECT_THROW(outside.append_row_view(0, 1), std::out_of_range);
}

}  // namespace
}  // namespace attnscope

namespace attnscope {
namespace {

// Cell offsets are built on first use, also while rows are still being appended, and by several
// readers at once; a set that never asks holds 8 bytes a row of index besides its runs.
TEST(RowRuns, CellOffsetsAreBuiltOnFirstUseAndFollowLaterRows) {
  const int n = 4096;
  RowRuns set(n, n);
  std::vector<int64_t> expected{0};
  for (int q = 0; q < n; ++q) {
    set.append_row({{0, q % 7 + 1}, {q, q + 1}});
    expected.push_back(expected.back() + set.row_count(q));
    if (q == 100) EXPECT_EQ(set.row_cell_offset(100), expected[100]);  // before the rest exist
  }
  EXPECT_EQ(set.count(), expected.back());
  EXPECT_LE(set.storage_bytes(), int64_t{n} * (2 * 8 + 8)) << "two runs and 8 bytes of index a row";
  std::vector<std::thread> readers;
  std::atomic<int> wrong{0};
  const RowRuns shared = set;
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&, t] {
      for (int q = t; q < n; q += 3) wrong += shared.row_cell_offset(q) != expected[q];
    });
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(wrong, 0);
}

// Rows that view stored lists up to a column (the block-sparse and SnapKV rows) against the
// cells of those lists below the column, found by plain loops over columns: every reader sees
// the cut, never a stored run past it.
TEST(RowRuns, CutViewsEqualTheirCellsBelowTheEnd) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 1 + trial % 23;
    std::bernoulli_distribution coin(0.45), fresh(0.5);
    std::uniform_int_distribution<int> column(0, n);
    RowRuns cut(n, n);
    CellSet cells;
    std::vector<bool> listed(static_cast<size_t>(n)), row_cells(static_cast<size_t>(n));
    int64_t list_first = 0, list_runs = 0;
    for (int q = 0; q < n; ++q) {
      if (q > 0 && fresh(rng)) {
        cut.append_row_repeat();  // the previous row's cells again
      } else if (q > 0 && fresh(rng)) {  // a row of its own between views
        std::vector<int32_t> columns;
        for (int c = 0; c < n; ++c) {
          row_cells[static_cast<size_t>(c)] = coin(rng);
          if (row_cells[static_cast<size_t>(c)]) columns.push_back(c);
        }
        cut.append_row_from_columns(columns);
      } else {
        if (q == 0 || fresh(rng)) {  // a new stored list of single columns, merged when stored
          std::vector<attnscope::Run> runs;
          list_runs = 0;
          for (int c = 0; c < n; ++c) {
            listed[static_cast<size_t>(c)] = coin(rng);
            if (!listed[static_cast<size_t>(c)]) continue;
            runs.push_back({c, c + 1});
            if (c == 0 || !listed[static_cast<size_t>(c - 1)]) ++list_runs;
          }
          list_first = cut.store_runs(runs);
          EXPECT_EQ(cut.stored_run_count() - list_first, list_runs) << trial;  // merged when stored
        }
        const int end = column(rng);
        cut.append_row_view_until(list_first, list_runs, end);
        for (int c = 0; c < n; ++c) row_cells[static_cast<size_t>(c)] = c < end && listed[static_cast<size_t>(c)];
      }
      for (int c = 0; c < n; ++c)
        if (row_cells[static_cast<size_t>(c)]) cells.insert({q, c});
    }
    ASSERT_TRUE(cut.complete());
    EXPECT_EQ(cell_set(cut), cells) << trial;
    EXPECT_EQ(cut.count(), static_cast<int64_t>(cells.size())) << trial;
    RowRuns plain(n, n);
    int64_t offset = 0;
    for (int q = 0; q < n; ++q) {
      std::vector<int32_t> row_columns;
      for (int c = 0; c < n; ++c)
        if (cells.count({q, c})) row_columns.push_back(c);
      EXPECT_EQ(cut.row_count(q), static_cast<int64_t>(row_columns.size())) << trial << " row " << q;
      EXPECT_EQ(cut.row_cell_offset(q), offset) << trial << " row " << q;
      offset += static_cast<int64_t>(row_columns.size());
      for (int c = 0; c < n; ++c) {
        const auto at = std::find(row_columns.begin(), row_columns.end(), c);
        EXPECT_EQ(cut.contains(q, c), at != row_columns.end()) << trial << " cell " << q << "," << c;
        EXPECT_EQ(cut.rank_in_row(q, c), at == row_columns.end() ? -1 : at - row_columns.begin())
            << trial << " cell " << q << "," << c;
      }
      for (const attnscope::Run r : cut.row(q)) EXPECT_LT(r.begin, r.end) << trial << " row " << q;
      plain.append_row_from_columns(row_columns);
    }
    EXPECT_TRUE(cut == plain) << trial;
    EXPECT_TRUE(plain == cut) << trial;
    CellSet other_cells;
    const RowRuns other = random_runs(rng, n, other_cells);
    expect_set_operations_match(cut, cells, other, other_cells);
    expect_set_operations_match(other, other_cells, cut, cells);
    CellSet window_cells;
    const int lo = n / 3, hi = n - n / 4;
    for (const auto& [q, c] : cells)
      if (q >= lo && q < hi && c >= lo && c < hi) window_cells.insert({q - lo, c - lo});
    EXPECT_EQ(cell_set(runs_window(cut, lo, hi, lo, hi)), window_cells) << trial;
    for (int q = 0; q < n; ++q) {
      int64_t both = 0;
      std::vector<attnscope::Run> either;
      for (int c = 0; c < n; ++c) {
        const bool in_cut = cells.count({q, c}) > 0, in_other = other_cells.count({q, c}) > 0;
        both += in_cut && in_other;
        if (!(in_cut || in_other)) continue;
        if (!either.empty() && either.back().end == c) ++either.back().end;
        else either.push_back({c, c + 1});
      }
      EXPECT_EQ(runs_overlap(cut.row(q), other.row(q)), both) << trial << " row " << q;
      std::vector<attnscope::Run> unioned;
      runs_union_sorted(cut.row(q), other.row(q), unioned);
      EXPECT_EQ(unioned, either) << trial << " row " << q;
      runs_union_row({&cut, &other}, q, unioned);
      EXPECT_EQ(unioned, either) << trial << " row " << q;
    }
  }
}

// A row stops at its end column even inside a run, and a view ending before its list holds no run.
TEST(RowRuns, CutViewsClipTheirLastRun) {
  RowRuns r(3, 20);
  const int64_t first = r.store_runs({{2, 6}, {10, 16}});
  r.append_row_view_until(first, 2, 12);  // [2,6) [10,12)
  r.append_row_view_until(first, 2, 2);   // nothing
  r.append_row_view_until(first, 2, 20);  // the whole list
  EXPECT_EQ(std::vector<attnscope::Run>(r.row(0).begin(), r.row(0).end()), (std::vector<attnscope::Run>{{2, 6}, {10, 12}}));
  EXPECT_EQ(r.row(0).back(), (attnscope::Run{10, 12}));
  EXPECT_TRUE(r.row(1).empty());
  EXPECT_EQ(r.row(2).back(), (attnscope::Run{10, 16}));
  EXPECT_EQ(r.count(), 6 + 0 + 10);
  EXPECT_FALSE(r.contains(0, 12));
  EXPECT_EQ(r.row_cell_offset(2), 6);
  EXPECT_FALSE(r.same_runs(0, 2));  // one list, cut at different columns
  RowRuns outside(1, 20);
  const int64_t stored = outside.store_runs({{0, 4}});
  EXPECT_THROW(outside.append_row_view_until(stored, 1, 21), std::out_of_range);
  EXPECT_THROW(outside.append_row_view_until(stored, 2, 3), std::out_of_range);
}

}  // namespace
}  // namespace attnscope
