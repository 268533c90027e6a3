// The receptive field over stacked layers against closed forms, and its cost at N = 8192.
#include <gtest/gtest.h>

#include <chrono>

#include "core/analysis.hpp"
#include "core/reach.hpp"
#include "core/variants/predicate_mask.hpp"

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
  Scene scene;
  scene.variant = "short";
  scene.n = 32;
  scene.g = 8;
  const auto a = analyze(scene);
  const Reach reach = reach_compute(a->build.masks, 6);
  for (int q = 0; q < 32; ++q) EXPECT_EQ(reach.counts[q], q % 8 + 1);
  EXPECT_EQ(reach.saturated_at, 1);
}

TEST(Reach, ShiftedHeadsLetInformationCrossGroups) {
  Scene scene;
  scene.variant = "s2-fix-split";
  scene.n = 32;
  scene.g = 8;
  const auto a = analyze(scene);
  EXPECT_EQ(reach_compute(a->build.masks, 1).counts[31], 8);
  EXPECT_EQ(reach_compute(a->build.masks, 8).counts[31], 32);
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
