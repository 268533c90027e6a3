// The receptive field over stacked layers against closed forms, and its cost at N = 8192.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "core/analysis/analysis.hpp"
#include "core/base/progress_scope.hpp"
#include "core/reach/reach.hpp"
#include "core/reach/reach_cover.hpp"
#include "core/variants/predicate_mask.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(Reach, SlidingWindowGrowsByWMinusOnePerLayer) {
  const int n = 100, w = 5;
  const std::vector<RowRuns> masks = {predicate_mask(n, [&](int q, int k) { return q - k >= 0 && q - k < w; })};
  for (int layers : {1, 2, 7}) {
    const Reach reach = reach_compute(masks, layers);
    for (int q = 0; q < n; ++q) EXPECT_EQ(reach.counts[q], std::min(q + 1, layers * (w - 1) + 1)) << q;
  }
}

TEST(Reach, UnionOfHeadsAndResidualPath) {
  // Head 0 reads only the previous token, head 1 only token 0: after 2 layers token q is reached
  // by q, q-1, q-2 and 0 (through either head).
  const int n = 10;
  const std::vector<RowRuns> masks = {predicate_mask(n, [](int q, int k) { return k == q - 1; }),
                                      predicate_mask(n, [](int, int k) { return k == 0; })};
  const Reach reach = reach_compute(masks, 2);
  const std::vector<int64_t> expected = {1, 2, 3, 4, 4, 4, 4, 4, 4, 4};
  EXPECT_EQ(reach.counts, expected);
}

TEST(Reach, GroupsNeverTalkUnderShortAttention) {
  const auto a = analyze(test::test_scene({.variant = "short", .n = 32, .g = 8}));
  const Reach reach = reach_compute(a->build.masks, 6);
  for (int q = 0; q < 32; ++q) EXPECT_EQ(reach.counts[q], q % 8 + 1);
  EXPECT_EQ(reach.saturated_at, 1);
}

TEST(Reach, ShiftedHeadsLetInformationCrossGroups) {
  const auto a = analyze(test::test_scene({.variant = "s2-fix-split", .n = 32, .g = 8}));
  EXPECT_EQ(reach_compute(a->build.masks, 1).counts[31], 8);
  EXPECT_EQ(reach_compute(a->build.masks, 8).counts[31], 32);
}

// Reach by boolean matrix products: R_{l+1}(q) = R_l(q) ∪ ⋃_{k ∈ A(q)} R_l(k).
std::vector<std::vector<bool>> reach_by_products(const std::vector<std::vector<bool>>& allowed, int layers) {
  const size_t n = allowed.size();
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (size_t q = 0; q < n; ++q) reach[q][q] = true;
  for (int layer = 0; layer < layers; ++layer) {
    auto next = reach;
    for (size_t q = 0; q < n; ++q)
      for (size_t k = 0; k < n; ++k)
        if (allowed[q][k])
          for (size_t j = 0; j < n; ++j)
            if (reach[k][j]) next[q][j] = true;
    reach = std::move(next);
  }
  return reach;
}

// Scattered random keys (rows gathered from more than 64 separate runs), a global token read by
// and reading every token (whole rows after one layer), and heads that differ.
TEST(Reach, RandomHeadsWithAGlobalTokenMatchMatrixProducts) {
  const int n = 300;
  std::mt19937 random(7);
  std::vector<std::vector<bool>> allowed(n, std::vector<bool>(n, false));
  std::vector<RowRuns> masks;
  for (int head = 0; head < 2; ++head) {
    std::vector<std::vector<bool>> cells(n, std::vector<bool>(n, false));
    for (int q = 0; q < n; ++q)
      for (int k = 0; k < n; ++k)
        cells[q][k] = (head == 0 && (q == 150 || k == 150)) || random() % 100 < (head == 0 ? 1 : 30);
    masks.push_back(predicate_mask(n, [&](int q, int k) { return cells[q][k]; }));
    for (int q = 0; q < n; ++q)
      for (int k = 0; k < n; ++k) allowed[q][k] = allowed[q][k] || cells[q][k];
  }
  // Without the global token too, so the rows stay scattered for more than one layer.
  for (const bool global : {true, false}) {
    std::vector<RowRuns> heads = masks;
    std::vector<std::vector<bool>> cells = allowed;
    if (!global) {
      heads = {predicate_mask(n, [&](int q, int k) { return k < q && (q * 7 + k * 13) % 11 == 0; })};
      for (int q = 0; q < n; ++q)
        for (int k = 0; k < n; ++k) cells[q][k] = k < q && (q * 7 + k * 13) % 11 == 0;
    }
    std::vector<std::vector<std::vector<bool>>> by_layer;
    for (int layers = 0; layers <= 3; ++layers) by_layer.push_back(reach_by_products(cells, layers));
    for (int layers : {1, 2, 3}) {
      const auto& expected = by_layer[layers];
      const ReachReport report = reach_with_next_token(heads, layers, int64_t{1} << 30, true);
      for (int q = 0; q < n; ++q) {
        int64_t count = 0;
        for (int k = 0; k < n; ++k) count += expected[q][k];
        ASSERT_EQ(report.reach.counts[q], count) << "global " << global << ", layers " << layers << ", q " << q;
      }
      // The next-token layers from the same propagation agree with the products.
      for (int q = 0; q + 1 < n; ++q) {
        const int seen = report.next->layer[q];
        if (seen >= 1) {
          EXPECT_TRUE(by_layer[seen][q][q + 1] && !by_layer[seen - 1][q][q + 1]) << q;
        } else {
          EXPECT_FALSE(expected[q][q + 1]) << q;
        }
      }
      EXPECT_EQ(reach_compute(heads, layers).counts, report.reach.counts);
    }
  }
}

// The layer after which the products stop changing, as Reach::saturated_at: -1 when they still
// change at the last layer.
int saturated_by_products(const std::vector<std::vector<std::vector<bool>>>& by_layer, int layers) {
  for (int layer = 1; layer <= layers; ++layer)
    if (by_layer[layer] == by_layer[layer - 1]) return layer - 1;
  return -1;
}

std::vector<std::vector<bool>> union_cells(const std::vector<RowRuns>& masks) {
  const int n = masks.front().rows();
  std::vector<std::vector<bool>> cells(n, std::vector<bool>(n, false));
  for (const RowRuns& mask : masks)
    for (const auto& [q, k] : mask.cells()) cells[q][k] = true;
  return cells;
}

// Strided and fixed heads cover every causal prefix in two layers and BigBird's global tokens
// every token; the shortcut that proves it from the heads with the fewest runs must answer as
// the products do: counts, next-token layers and the saturation layer.
TEST(ReachCover, StridedFixedAndBigBirdMatchMatrixProducts) {
  for (const auto& [variant, bound] : {std::pair{"strided", ReachBound::Prefix}, std::pair{"fixed", ReachBound::Prefix},
                                       std::pair{"bigbird", ReachBound::Everything}}) {
    const Scene scene = test::test_scene({.variant = variant, .n = 256, .heads = 4});
    const auto a = analyze(scene);
    const std::vector<RowRuns>& masks = a->build.masks;
    ASSERT_EQ(reach_bound_after_two_layers(runs_distinct(masks), int64_t{1} << 26), bound) << variant;
    const auto cells = union_cells(masks);
    std::vector<std::vector<std::vector<bool>>> by_layer;
    for (int layers = 0; layers <= 5; ++layers) by_layer.push_back(reach_by_products(cells, layers));
    for (int layers : {1, 2, 3, 4}) {
      const ReachReport report = reach_with_next_token(masks, layers, int64_t{1} << 30, true);
      for (int q = 0; q < scene.n; ++q) {
        const auto& row = by_layer[layers][q];
        ASSERT_EQ(report.reach.counts[q], std::count(row.begin(), row.end(), true)) << variant << " " << layers << " " << q;
      }
      EXPECT_EQ(report.reach.saturated_at, saturated_by_products(by_layer, layers)) << variant << " " << layers;
      for (int q = 0; q + 1 < scene.n; ++q) {
        int expected = -1;
        for (int layer = 1; layer <= layers && expected < 0; ++layer)
          if (by_layer[layer][q][q + 1]) expected = layer;
        ASSERT_EQ(report.next->layer[q], expected) << variant << " " << layers << " " << q;
      }
    }
  }
}

// A causal mask of scattered keys whose two-layer sets fall short of the prefixes: the shortcut
// must decline, leaving the propagation to answer.
TEST(ReachCover, DeclinesWhenTwoLayersDoNotCoverTheBound) {
  const int n = 300;
  const std::vector<RowRuns> masks = {predicate_mask(n, [](int q, int k) { return k < q && (q * 7 + k * 13) % 11 == 0; })};
  EXPECT_EQ(reach_bound_after_two_layers(runs_distinct(masks), int64_t{1} << 26), std::nullopt);
  // A window head and a column head whose stride passes the window: the columns' windows leave gaps.
  const std::vector<RowRuns> gaps = {predicate_mask(n, [](int q, int k) { return k <= q && q - k < 4; }),
                                     predicate_mask(n, [](int q, int k) { return k <= q && (q - k) % 9 == 0; })};
  EXPECT_EQ(reach_bound_after_two_layers(runs_distinct(gaps), int64_t{1} << 26), std::nullopt);
  // A window as wide as the column stride covers every prefix; query 0 also reading key 1 makes
  // the mask look ahead, so the bound becomes every token, which two layers do not reach.
  for (const bool look_ahead : {false, true}) {
    const std::vector<RowRuns> covering = {
        predicate_mask(n, [&](int q, int k) { return (k <= q && q - k < 9) || (look_ahead && q == 0 && k == 1); }),
        predicate_mask(n, [](int q, int k) { return k <= q && (q - k) % 9 == 0; })};
    const auto bound = reach_bound_after_two_layers(runs_distinct(covering), int64_t{1} << 26);
    EXPECT_EQ(bound, look_ahead ? std::nullopt : std::optional{ReachBound::Prefix});
  }
  const auto cells = union_cells(gaps);
  const Reach reach = reach_compute(gaps, 3);
  const auto expected = reach_by_products(cells, 3);
  for (int q = 0; q < n; ++q) EXPECT_EQ(reach.counts[q], std::count(expected[q].begin(), expected[q].end(), true)) << q;
}

// Progress reaches the thread's ProgressScope in order, along both paths (the two-layer bound of
// strided heads, the propagation of a window), and a cancel thrown there stops the computation.
TEST(Reach, ReportsProgressAndStopsOnCancel) {
  for (const char* variant : {"strided", "window"}) {
    const auto a = analyze(test::test_scene({.variant = variant, .n = 4096, .heads = 4}), test::structure_only());
    std::vector<double> seen;
    {
      const ProgressScope scope([&](double fraction) { seen.push_back(fraction); });
      reach_compute(a->build.masks, 4);
    }
    ASSERT_GT(seen.size(), 500u) << variant;
    EXPECT_GT(seen.back(), 0.9) << variant;
    for (size_t i = 1; i < seen.size(); ++i) ASSERT_LE(seen[i - 1], seen[i]) << variant << " " << i;
    const ProgressScope cancelling([](double fraction) {
      if (fraction > 0.5) throw AnalysisCancelled();
    });
    EXPECT_THROW(reach_compute(a->build.masks, 4), AnalysisCancelled) << variant;
  }
}

TEST(Reach, DenseCausalAtN8192IsFast) {
  const int n = 8192;
  RowRuns causal(n, n);
  for (int q = 0; q < n; ++q) causal.append_row({{0, q + 1}});
  RowRuns strided = predicate_mask(n, [](int q, int k) { return k <= q && (q - k) % 90 == 0; });
  const auto start = std::chrono::steady_clock::now();
  const Reach a = reach_compute({causal}, 3);
  const Reach b = reach_compute({strided}, 3);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("seconds", std::to_string(seconds));
  std::printf("reach at N=8192, 3 layers, causal + strided masks: %.2f s\n", seconds);
  EXPECT_EQ(a.counts[n - 1], n);
  EXPECT_EQ(b.counts[n - 1], 8191 / 90 + 1);  // strided keys are closed under composition
  EXPECT_LT(seconds, 30.0);
}

}  // namespace
}  // namespace attnscope
