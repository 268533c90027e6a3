#include <gtest/gtest.h>

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
  EXPECT_EQ(r.row_run_count(0), 2);
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
  for (int row = 0; row < 4; ++row) differs.append_row({viewed.row_begin(row), viewed.row_end(row)});
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

}  // namespace
}  // namespace attnscope
