// Odd G in LongLoRA's roll code: -G//2 floors to -3 for G = 5 while the roll back is +G//2 = +2,
// so each output position of a shifted head receives its neighbour's result. Expected facts come
// from the spec's worked case (N = 15, G = 5), not from this implementation.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

Scene code_floor_scene() {
  return test::test_scene({.n = 15, .g = 5, .shift = -3, .params = {{"unroll", "2"}}});
}

TEST(S2CodeFloor, EveryOutputPositionHoldsItsNeighboursResult) {
  const auto a = analyze(code_floor_scene());
  const Step& unroll = a->trace().steps[a->trace().find("unroll")];
  std::vector<int> received, head0;
  for (int row = 0; row < 15; ++row) {
    received.push_back(unroll.token(row, 1));
    head0.push_back(unroll.token(row, 0));
  }
  EXPECT_EQ(received, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0}));
  for (int row = 0; row < 15; ++row) EXPECT_EQ(head0[row], row);
}

TEST(S2CodeFloor, EighteenFuturePairsInTheShiftedHead) {
  const auto a = analyze(code_floor_scene());
  EXPECT_EQ(a->metrics.heads[0].leaks, 0);
  EXPECT_EQ(a->metrics.heads[1].leaks, 18);
  // Position 3 holds query 4's row, which reads key 4: one step into position 3's future.
  EXPECT_TRUE(a->leaks_at(1, 3, 4));
  EXPECT_NE(a->leak_explanation(1, 3, 4).find("output position 3 receives the result computed for query 4"),
            std::string::npos)
      << a->leak_explanation(1, 3, 4);
}

TEST(S2CodeFloor, MovedRowsKeepTheirWeights) {
  Scene matched = code_floor_scene();
  matched.params.erase("unroll");  // rolls back by +3: no mismatch
  const auto moved = analyze(code_floor_scene());
  const auto plain = analyze(matched);
  // The ordinary wrapped-group leak: the wrapped group holds tokens 12, 13, 14, 0, 1, so
  // queries 0 and 1 read the three tail keys.
  EXPECT_EQ(plain->metrics.heads[1].leaks, 6);
  for (int p = 0; p < 15; ++p)
    for (int k = 0; k < 15; ++k) {
      const int q = (p + 1) % 15;
      EXPECT_EQ(moved->weight(0, 1, p, k), plain->weight(0, 1, q, k)) << p << "," << k;
      EXPECT_EQ(moved->weight(0, 0, p, k), plain->weight(0, 0, p, k));
    }
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(moved->attention.output_at(0, 3, 1, i), plain->attention.output_at(0, 4, 1, i));
}

TEST(S2CodeFloor, UnrollOutOfRangeIsRefused) {
  Scene s = code_floor_scene();
  s.params["unroll"] = "40";
  EXPECT_THROW(analyze(s), SceneError);
}

}  // namespace
}  // namespace attnscope
