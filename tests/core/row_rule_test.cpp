// Sets made by rule (row q: the columns up to q and the keys q - o of the offsets) against the
// rule written here as a plain loop over every cell, and against the same rows stored: rows,
// counts, membership, ranks, cell offsets, equality and sharing.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "core/analysis/analysis.hpp"
#include "core/cells/row_rule.hpp"
#include "core/cells/row_runs.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

bool in_runs(const std::vector<attnscope::Run>& runs, int x) {
  return std::any_of(runs.begin(), runs.end(), [&](const attnscope::Run& r) { return r.begin <= x && x < r.end; });
}

// The rule from its statement: k <= q and (k a column or q - k an offset).
bool rule_holds(const std::vector<attnscope::Run>& columns, const std::vector<attnscope::Run>& offsets, int q, int k) {
  return k <= q && (in_runs(columns, k) || in_runs(offsets, q - k));
}

RowRuns stored_by_loop(int n, const std::vector<attnscope::Run>& columns, const std::vector<attnscope::Run>& offsets) {
  RowRuns out(n, n);
  for (int q = 0; q < n; ++q) {
    std::vector<int32_t> keys;
    for (int k = 0; k < n; ++k)
      if (rule_holds(columns, offsets, q, k)) keys.push_back(k);
    out.append_row_from_columns(keys);
  }
  return out;
}

// Runs in [0, limit): `count` of them, short and scattered or long and close together, in
// random order and overlapping at times.
std::vector<attnscope::Run> random_runs(std::mt19937& rng, int limit, int count, bool clustered) {
  std::vector<attnscope::Run> runs;
  std::uniform_int_distribution<int> start(0, limit - 1), length(1, clustered ? 6 : 2);
  int at = start(rng) / 2;
  for (int i = 0; i < count; ++i) {
    const int begin = clustered ? std::min(limit - 1, at + std::uniform_int_distribution<int>(0, 3)(rng)) : start(rng);
    const int end = std::min(limit, begin + length(rng));
    runs.push_back({begin, end});
    at = end;
  }
  return runs;
}

struct Case {
  std::string name;
  std::vector<attnscope::Run> columns, offsets;
};

std::vector<Case> cases(int n) {
  std::mt19937 rng(11);
  std::vector<Case> out = {
      {"offset 0 and a column past most rows", {{0, 2}, {n - 3, n}}, {{0, 1}, {5, 7}}},
      {"columns only", {{1, 4}, {9, 10}, {20, 25}}, {}},
      {"offsets only", {}, {{0, 3}, {8, 9}, {n - 2, n}}},
      {"nothing", {}, {}},
      {"columns and diagonals meeting (k = q - o for a kept column)", {{3, 8}, {12, 13}}, {{0, 2}, {4, 9}}},
      {"overlapping, unsorted input", {{10, 14}, {2, 5}, {3, 11}}, {{6, 7}, {0, 4}, {2, 3}}},
  };
  for (int i = 0; i < 6; ++i) {
    const bool clustered = i % 2 == 0;
    out.push_back({std::string(clustered ? "clustered" : "scattered") + " random " + std::to_string(i),
                   random_runs(rng, n, 2 + i, clustered), random_runs(rng, n, 3 + i, !clustered)});
  }
  return out;
}

TEST(RowRule, EveryAnswerEqualsThePlainLoopAndTheStoredRows) {
  for (int n : {1, 17, 48}) {
    for (const Case& c : cases(n)) {
      SCOPED_TRACE(c.name + " n " + std::to_string(n));
      std::vector<attnscope::Run> columns, offsets;  // the case's runs inside this n
      for (attnscope::Run r : c.columns)
        if (r.begin < n && r.end > 0) columns.push_back({std::max(r.begin, 0), std::min(r.end, n)});
      for (attnscope::Run r : c.offsets)
        if (r.begin < n && r.end > 0) offsets.push_back({std::max(r.begin, 0), std::min(r.end, n)});
      const RowRuns rule = RowRuns::by_rule(n, n, columns, offsets);
      const RowRuns stored = stored_by_loop(n, columns, offsets);
      ASSERT_TRUE(rule.rule() != nullptr);
      EXPECT_TRUE(rule.complete());
      EXPECT_EQ(rule.count(), stored.count());
      EXPECT_EQ(rule.run_count(), stored.run_count());
      EXPECT_TRUE(rule == stored);
      EXPECT_TRUE(stored == rule);
      int64_t cells_before = 0;
      for (int q = 0; q < n; ++q) {
        const RowSpan made = rule.row(q), expected = stored.row(q);
        EXPECT_EQ(std::vector<attnscope::Run>(made.begin(), made.end()), std::vector<attnscope::Run>(expected.begin(), expected.end()))
            << "row " << q;
        int64_t count = 0;
        for (int k = 0; k < n; ++k) {
          const bool holds = rule_holds(columns, offsets, q, k);
          count += holds;
          EXPECT_EQ(rule.contains(q, k), holds) << q << " " << k;
          EXPECT_EQ(rule.rank_in_row(q, k), holds ? count - 1 : -1) << q << " " << k;
        }
        EXPECT_EQ(rule.row_count(q), count) << "row " << q;
        EXPECT_EQ(rule.row_cell_offset(q), cells_before) << "row " << q;
        cells_before += count;
        const attnscope::Run extent = rule.row_extent(q);
        const attnscope::Run want = expected.empty() ? attnscope::Run{} : attnscope::Run{expected.front().begin, expected.back().end};
        EXPECT_EQ(extent, want) << "row " << q;
      }
      EXPECT_EQ(rule.row_cell_offset(n), stored.count());
      const RowRuns copy = rule;
      EXPECT_TRUE(copy.shares_storage(rule));
      EXPECT_TRUE(RowRuns::by_rule(n, n, columns, offsets) == rule);
      EXPECT_EQ(runs_difference(rule, stored).count(), 0);
      EXPECT_TRUE(runs_intersection(stored, rule) == stored);
    }
  }
}

TEST(RowRule, DifferentRulesCompareByTheirRows) {
  // The same rows from different lists: offset 0 is the diagonal, which column q also gives.
  const int n = 12;
  EXPECT_TRUE(RowRuns::by_rule(n, n, {{0, 1}}, {{0, 1}}) == RowRuns::by_rule(n, n, {{0, 1}}, {{0, 1}, {0, 1}}));
  EXPECT_FALSE(RowRuns::by_rule(n, n, {{0, 1}}, {{0, 1}}) == RowRuns::by_rule(n, n, {{0, 2}}, {{0, 1}}));
  EXPECT_FALSE(RowRuns::by_rule(n, n, {{0, 1}}, {}) == RowRuns::empty(n, n));
}

// The union of rule-made heads is the rule of their columns' and offsets' unions.
TEST(RowRule, UnionOfRuleMadeSetsEqualsTheUnionOfTheirRows) {
  const int n = 40;
  std::mt19937 rng(5);
  const RowRuns a = RowRuns::by_rule(n, n, random_runs(rng, n, 4, false), random_runs(rng, n, 5, true));
  const RowRuns b = RowRuns::by_rule(n, n, random_runs(rng, n, 3, true), random_runs(rng, n, 6, false));
  const std::vector<const RowRuns*> sets = {&a, &b};
  const std::optional<RowRuns> by_rule = runs_union_by_rule(sets);
  ASSERT_TRUE(by_rule.has_value());
  RowRuns expected(n, n);
  for (int q = 0; q < n; ++q) {
    std::vector<int32_t> keys;
    for (int k = 0; k < n; ++k)
      if (a.contains(q, k) || b.contains(q, k)) keys.push_back(k);
    expected.append_row_from_columns(keys);
  }
  EXPECT_TRUE(*by_rule == expected);
  UnionRows rows(sets);
  for (int q = 0; q < n; ++q) {
    const RowSpan want = expected.row(q);
    EXPECT_EQ(rows.row(q), std::vector<attnscope::Run>(want.begin(), want.end())) << "row " << q;
  }
  const RowRuns stored = runs_union(a, RowRuns::empty(n, n));
  EXPECT_FALSE(runs_union_by_rule({&a, &stored}).has_value());
}

TEST(RowRule, RejectsListsOutsideTheSet) {
  EXPECT_THROW(RowRuns::by_rule(8, 8, {{6, 9}}, {}), std::out_of_range);
  EXPECT_THROW(RowRuns::by_rule(8, 8, {}, {{-1, 2}}), std::out_of_range);
  RowRuns rule = RowRuns::by_rule(8, 8, {{0, 1}}, {});
  EXPECT_THROW(rule.append_row({}), std::logic_error);
  EXPECT_THROW(rule.store_runs({{0, 1}}), std::logic_error);
}

// The paper's parameters at N = 65536: each head keeps its 1000 columns and 6096 offsets and a
// count per row, a few MiB, where its rows hold about 7000 runs each (3.4 GiB per head stored).
TEST(RowRule, VerticalSlashAtLargeNHoldsItsListsNotItsRows) {
  const int n = 65536;
  const Scene s = test::test_scene({.variant = "minference",
                                    .n = n,
                                    .heads = 2,
                                    .d = 8,
                                    .params = {{"pattern", "vertical-slash"},
                                               {"last-q", "64"},
                                               {"force-vertical", "30"},
                                               {"force-slash", "100"},
                                               {"vertical", "1000"},
                                               {"slash", "6096"}}});
  const auto a = analyze(s, test::structure_only());
  const RoutingChoices& columns = *a->build.routing;
  const RoutingChoices& offsets = *columns.second;
  for (int h = 0; h < 2; ++h) {
    const RowRuns& mask = a->mask(h);
    EXPECT_LT(mask.storage_bytes(), 1 << 20) << "head " << h;
    const std::set<int> kept_columns(columns.rows[h][0].chosen.begin(), columns.rows[h][0].chosen.end());
    const std::set<int> kept_offsets(offsets.rows[h][0].chosen.begin(), offsets.rows[h][0].chosen.end());
    ASSERT_EQ(kept_columns.size(), 1000u);
    ASSERT_EQ(kept_offsets.size(), 6096u);
    for (int q : {0, 29, 99, 100, 1000, 6095, 6096, 7095, 40000, n - 1}) {
      int64_t count = 0;
      for (int k = 0; k <= q; ++k) count += kept_columns.count(k) || kept_offsets.count(q - k);
      EXPECT_EQ(mask.row_count(q), count) << "head " << h << " row " << q;
      EXPECT_EQ(mask.row(q).back().end, q + 1) << "offset 0 is forced, so the diagonal is read";
    }
  }
  EXPECT_EQ(a->metrics.total_leaks, 0);
}

}  // namespace
}  // namespace attnscope
