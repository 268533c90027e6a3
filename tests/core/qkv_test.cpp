#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(Qkv, SameSeedSameNumbersOtherSeedOtherNumbers) {
  Scene s;
  const Qkv a = qkv_generate(s);
  EXPECT_EQ(a.data, qkv_generate(s).data);
  s.seed = 1;
  EXPECT_NE(a.data, qkv_generate(s).data);
  // Pinned values: the generator is part of the scene's contract, so a scene file regenerates
  // the same figure on every machine and in every later version.
  EXPECT_NEAR(a.data[0], 1.91280448f, 1e-6);
  EXPECT_NEAR(a.data[1], 1.16686511f, 1e-6);
  EXPECT_NEAR(a.data[a.index(0, 15, Qkv::V, 1, 7)], 1.46955192f, 1e-6);
  EXPECT_NEAR(a.data[a.index(0, 3, Qkv::Q, 0, 2)], 0.12469247f, 1e-6);
  EXPECT_EQ(a.data.size(), 16u * 3 * 2 * 8);
}

TEST(Qkv, LocalityBiasMakesNearbyKeysScoreHigher) {
  const auto a = analyze(test::test_scene({.variant = "full", .n = 64, .heads = 1, .d = 16}));
  double near = 0, far = 0;
  int near_count = 0, far_count = 0;
  for (int q = 32; q < 64; ++q)
    for (int k = 0; k <= q; ++k) {
      if (q - k <= 2) near += a->score(0, 0, q, k), ++near_count;
      if (q - k >= 24) far += a->score(0, 0, q, k), ++far_count;
    }
  EXPECT_GT(near / near_count, far / far_count + 0.5);
}

TEST(Qkv, NonFiniteInputIsRefusedWithItsPosition) {
  Scene s;
  Qkv qkv = qkv_generate(s);
  qkv.data[qkv.index(0, 5, Qkv::K, 1, 3)] = std::nanf("");
  try {
    analyze_with_qkv(s, qkv);
    FAIL();
  } catch (const SceneError& e) {
    EXPECT_EQ(std::string(e.what()),
              "input: k[batch 0, token 5, head 1, dim 3] is not a finite number; replace NaN/Inf "
              "values before analysing");
  }
  Qkv wrong = qkv_generate(s);
  wrong.n = 8;
  EXPECT_THROW(analyze_with_qkv(s, wrong), SceneError);
}

}  // namespace
}  // namespace attnscope
