// Why a leak matters: the layer count after which a query can depend on its next token, checked
// against a breadth-first search over the heads' union, which is itself checked against
// reach_compute's counts layer by layer.
#include <gtest/gtest.h>

#include <queue>
#include <set>

#include "core/analysis/analysis.hpp"
#include "core/reach/reach.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

// reached[L][q]: tokens that influence q after L layers (union of heads, residual path).
std::vector<std::vector<std::set<int>>> reach_sets(const std::vector<RowRuns>& masks, int layers) {
  const int n = masks.front().rows();
  std::vector<std::vector<std::set<int>>> out(layers + 1, std::vector<std::set<int>>(n));
  for (int q = 0; q < n; ++q) out[0][q] = {q};
  for (int l = 1; l <= layers; ++l)
    for (int q = 0; q < n; ++q) {
      out[l][q] = out[l - 1][q];
      for (const RowRuns& m : masks)
        for (int k = 0; k < n; ++k)
          if (m.contains(q, k)) out[l][q].insert(out[l - 1][k].begin(), out[l - 1][k].end());
    }
  return out;
}

TEST(NextToken, ClassroomS2LayerCountMatchesAnIndependentSearch) {
  const Scene scene;  // s2, N = 16, G = 4, H = 2: head 1's queries 0 and 1 read keys 14 and 15
  const auto a = analyze(scene);
  const int layers = 12;
  const auto sets = reach_sets(a->build.masks, layers);
  // The sets agree with reach_compute's counts, so they are the receptive field.
  for (int l = 2; l <= layers; l += 5) {
    const Reach reach = reach_compute(a->build.masks, l);
    for (int q = 0; q < 16; ++q) EXPECT_EQ(reach.counts[q], static_cast<int64_t>(sets[l][q].size())) << l << " " << q;
  }
  const NextTokenReach r = reach_next_token(a->build.masks, layers);
  for (int q = 0; q + 1 < 16; ++q) {
    int expected = -1;
    for (int l = 1; l <= layers && expected < 0; ++l)
      if (sets[l][q].count(q + 1)) expected = l;
    EXPECT_EQ(r.layer[q], expected) << "query " << q;
  }
  // Token 1 reaches query 0 only by travelling to token 14 or 15 and back through the leak.
  EXPECT_GT(r.first, 1);
  EXPECT_GE(r.query, 0);
  EXPECT_EQ(r.layer[15], -1);  // the last token has no next token
}

TEST(NextToken, CausalPatternsNeverSeeTheirTarget) {
  for (const std::string variant : {"full", "s2-fix-mask", "s2-fix-split", "short"}) {
    const auto a = analyze(test::test_scene({.variant = variant}));
    const NextTokenReach r = reach_next_token(a->build.masks, 40);
    EXPECT_EQ(r.first, -1) << variant;
    EXPECT_EQ(r.count_within(40), 0) << variant;
  }
}

TEST(NextToken, DirectLeakIsOneLayer) {
  // A mask in which query 3 reads key 4 directly.
  RowRuns m(8, 8);
  for (int q = 0; q < 8; ++q) m.append_row(q == 3 ? std::vector<attnscope::Run>{{0, 5}} : std::vector<attnscope::Run>{{0, q + 1}});
  const NextTokenReach r = reach_next_token({m}, 10);
  EXPECT_EQ(r.first, 1);
  EXPECT_EQ(r.query, 3);
  // Query 4 reads 3, which read 4's next token? No: 3 read 4, not 5; nobody else sees ahead.
  for (int q = 0; q + 1 < 8; ++q)
    if (q != 3) EXPECT_EQ(r.layer[q], -1) << q;
}

}  // namespace
}  // namespace attnscope
