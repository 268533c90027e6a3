// Properties every sparse-attention variant must keep, over several sizes and seeds: causal
// variants never leak under the causal policy, softmax rows sum to 1 with masked weights exactly 0,
// the KV-cache variants respect their budgets and never bring back an evicted key.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numeric>

#include "core/analysis/analysis.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

struct ZooCase {
  std::string name;
  std::string variant;
  std::map<std::string, std::string> params;
  bool causal;  // leak-free under the causal policy by construction
};

std::vector<ZooCase> zoo() {
  return {{"window", "window", {{"window", "5"}}, true},
          {"block", "block", {}, true},
          {"block_shifted", "block", {{"layout", "shifted"}}, true},
          {"dilated", "dilated", {{"global", "1,7"}}, true},
          {"dilated_bidirectional", "dilated", {{"bidirectional", "true"}}, false},
          {"strided", "strided", {}, true},
          {"fixed", "fixed", {{"c", "2"}}, true},
          {"bigbird", "bigbird", {}, false},
          {"longnet", "longnet", {}, true},
          {"streaming", "streaming", {{"sinks", "2"}, {"window", "5"}}, true},
          {"h2o", "h2o", {{"hh", "3"}, {"recent", "2"}}, true},
          {"topk", "topk", {{"topk", "3"}}, true},
          {"topk_pitfall", "topk", {{"pitfall", "true"}}, true},
          {"select_merge", "select-merge", {}, true},
          {"sf", "sf", {}, false},
          {"sf_sink_causal", "sf", {{"sink-causal", "true"}}, true},
          {"sf_r2", "sf", {{"reading", "r2"}, {"sink-causal", "true"}}, false},
          {"minference_a_shape", "minference", {{"pattern", "a-shape"}}, true},
          {"minference_vertical_slash", "minference", {{"last-q", "6"}}, true},
          {"minference_block_sparse", "minference", {{"pattern", "block-sparse"}, {"block", "6"}, {"topk", "2"}}, true},
          {"duo", "duo", {{"retrieval-heads", "1"}}, true},
          {"snapkv", "snapkv", {{"capacity", "9"}, {"window", "3"}}, true},
          {"quest", "quest", {{"page", "4"}, {"budget", "16"}}, true},
          {"moba", "moba", {{"block", "8"}, {"topk", "3"}}, true},
          {"moba_pitfall", "moba", {{"block", "8"}, {"topk", "3"}, {"pitfall", "true"}}, false},
          {"nsa", "nsa", {{"kv-heads", "2"}}, true},
          {"nsa_pitfall", "nsa", {{"init-blocks", "0"}, {"pitfall", "true"}}, true},
          {"dsa", "dsa", {{"topk", "6"}}, true},
          {"dsa_pitfall", "dsa", {{"topk", "6"}, {"pitfall", "true"}}, false}};
}

Scene zoo_scene(const ZooCase& c, int n, int heads, uint64_t seed) {
  return test::test_scene({.variant = c.variant, .n = n, .heads = heads, .g = 8, .seed = seed, .params = c.params});
}

class ZooProperties : public ::testing::TestWithParam<ZooCase> {};

TEST_P(ZooProperties, LeaksOnlyWhereTheDesignAllows) {
  for (uint64_t seed : {0u, 3u}) {
    const auto a = analyze(zoo_scene(GetParam(), 64, 4, seed));
    if (GetParam().causal) EXPECT_EQ(a->metrics.total_leaks, 0) << "seed " << seed;
    else EXPECT_GT(a->metrics.total_leaks, 0) << "seed " << seed;
  }
}

TEST_P(ZooProperties, RowsSumToOneAndMaskedWeightsAreZero) {
  const auto a = analyze(zoo_scene(GetParam(), 48, 4, 5));
  for (int h = 0; h < a->heads(); ++h)
    for (int q = 0; q < a->n(); ++q) {
      double sum = 0;
      for (int k = 0; k < a->n(); ++k) {
        const float w = a->weight(0, h, q, k);
        if (!a->allowed(h, q, k)) ASSERT_EQ(w, 0.f) << "h" << h << " q" << q << " k" << k;
        EXPECT_GE(w, 0.f);
        sum += w;
      }
      if (a->mask(h).row_count(q) > 0) EXPECT_NEAR(sum, 1.0, 1e-5) << "h" << h << " q" << q;
    }
}

TEST_P(ZooProperties, EveryRowReadsSomething) {
  const auto a = analyze(zoo_scene(GetParam(), 40, 2, 1));
  if (GetParam().variant != "fixed") {
    EXPECT_TRUE(a->attention.empty_rows.empty());
    return;
  }
  // The paper's summary head A2(i) = {j <= i : j mod l >= l - c} is empty for i < l - c
  // (l = floor(sqrt(40)) = 6, c = 2): those queries read nothing and output 0.
  std::vector<std::array<int, 3>> expected;
  for (int q = 0; q < 4; ++q) expected.push_back({0, 1, q});
  EXPECT_EQ(a->attention.empty_rows, expected);
}

INSTANTIATE_TEST_SUITE_P(Variants, ZooProperties, ::testing::ValuesIn(zoo()),
                         [](const auto& info) { return info.param.name; });

// Rows of the cache variants: at most `budget` keys, the query itself, and an evicted key never
// comes back (the cache only loses old keys).
void expect_cache_rows(const Analysis& a, int64_t budget) {
  for (int h = 0; h < a.heads(); ++h) {
    std::vector<bool> gone(a.n(), false);
    for (int q = 0; q < a.n(); ++q) {
      EXPECT_LE(a.mask(h).row_count(q), budget) << "h" << h << " q" << q;
      EXPECT_TRUE(a.allowed(h, q, q));
      for (int k = 0; k < q; ++k) {
        if (gone[k]) EXPECT_FALSE(a.allowed(h, q, k)) << "evicted key " << k << " back at " << q;
        if (!a.allowed(h, q, k)) gone[k] = true;
      }
    }
  }
}

TEST(ZooCache, StreamingBudgetIsSinksPlusWindow) {
  for (const auto& [s, w] : std::vector<std::pair<int, int>>{{4, 4}, {1, 8}, {0, 3}, {6, 1}}) {
    const auto a = analyze(test::test_scene(
        {.variant = "streaming", .n = 96, .params = {{"sinks", std::to_string(s)}, {"window", std::to_string(w)}}}));
    expect_cache_rows(*a, s + w);
    EXPECT_EQ(a->mask(0).row_count(95), s + w);
  }
}

TEST(ZooCache, H2OBudgetIsHeavyPlusRecentPlusOne) {
  for (const auto& [hh, recent] : std::vector<std::pair<int, int>>{{2, 2}, {4, 1}, {0, 3}, {5, 0}})
    for (uint64_t seed : {0u, 11u}) {
      const auto a = analyze(test::test_scene({.variant = "h2o",
                                               .n = 80,
                                               .heads = 3,
                                               .seed = seed,
                                               .params = {{"hh", std::to_string(hh)},
                                                          {"recent", std::to_string(recent)}}}));
      expect_cache_rows(*a, hh + recent + 1);
      for (int h = 0; h < 3; ++h) {
        EXPECT_EQ(a->mask(h).row_count(79), hh + recent + 1);
        for (int k = 79 - recent; k < 79; ++k) EXPECT_TRUE(a->allowed(h, 79, k)) << "recent " << k;
      }
    }
}

// The spec's §4.2 example: with 4 sinks and 3 recent tokens, decoding token 9 sees the cache
// [0, 1, 2, 3, 6, 7, 8] at cache positions 0..6 and the query at position 7.
TEST(ZooCache, StreamingTraceShowsTheCacheInCacheOrder) {
  const auto a =
      analyze(test::test_scene({.variant = "streaming", .heads = 1, .params = {{"sinks", "4"}, {"window", "4"}}}));
  const int at = a->trace().find("decode-9");
  ASSERT_GE(at, 0);
  const Step& step = a->trace().steps[at];
  const std::vector<int> expected = {0, 1, 2, 3, 6, 7, 8, 9, 4, 5, 10, 11, 12, 13, 14, 15};
  const std::vector<int> groups = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2};
  for (int row = 0; row < 16; ++row) {
    EXPECT_EQ(step.token(row, 0), expected[row]) << row;
    EXPECT_EQ(step.group(row, 0), groups[row]) << row;
  }
  EXPECT_NE(step.explanation.find("position 7"), std::string::npos) << step.explanation;
}

TEST(ZooTopK, KeepsTheHighestScoringCausalKeys) {
  const auto a = analyze(test::test_scene({.variant = "topk", .n = 32, .params = {{"topk", "3"}}}));
  const Qkv& qkv = a->qkv;
  for (int h = 0; h < a->heads(); ++h)
    for (int q = 0; q < a->n(); ++q) {
      EXPECT_EQ(a->mask(h).row_count(q), std::min(3, q + 1));
      auto dot = [&](int k) {
        return std::inner_product(qkv.row(0, q, Qkv::Q, h), qkv.row(0, q, Qkv::Q, h) + qkv.d,
                                  qkv.row(0, k, Qkv::K, h), 0.f);
      };
      float lowest_kept = INFINITY, highest_dropped = -INFINITY;
      for (int k = 0; k <= q; ++k)
        (a->allowed(h, q, k) ? lowest_kept : highest_dropped) =
            a->allowed(h, q, k) ? std::min(lowest_kept, dot(k)) : std::max(highest_dropped, dot(k));
      EXPECT_GE(lowest_kept, highest_dropped) << "h" << h << " q" << q;
    }
}

TEST(ZooTopK, SoftmaxAboveZeroMasksNothing) {
  const auto a = analyze(test::test_scene({.variant = "topk", .n = 32, .params = {{"pitfall", "true"}}}));
  for (int h = 0; h < a->heads(); ++h) EXPECT_EQ(a->mask(h).count(), 32 * 33 / 2);
}

TEST(ZooSelectMerge, RowsAreWholeCausalBlocksIncludingTheOwnBlock) {
  for (const int n : {64, 60}) {  // 60: a last block of 4 tokens
    const auto a =
        analyze(test::test_scene({.variant = "select-merge", .n = n, .params = {{"block", "8"}, {"topk", "2"}}}));
    for (int h = 0; h < a->heads(); ++h)
      for (int q = 0; q < n; ++q) {
        int earlier_blocks = 0;
        for (int j = 0; j < q / 8; ++j) {
          int cells = 0;
          for (int k = j * 8; k < j * 8 + 8; ++k) cells += a->allowed(h, q, k);
          EXPECT_TRUE(cells == 0 || cells == 8) << "block " << j << " cut in row " << q;
          earlier_blocks += cells == 8;
        }
        EXPECT_EQ(earlier_blocks, std::min(2, q / 8));
        for (int k = q / 8 * 8; k <= q; ++k) EXPECT_TRUE(a->allowed(h, q, k));
        for (int k = q + 1; k < n; ++k) EXPECT_FALSE(a->allowed(h, q, k)) << q << " reads the later " << k;
      }
  }
}

TEST(ZooBigBird, LeakExplanationSaysNonCausalByDesign) {
  const auto a = analyze(test::test_scene({.variant = "bigbird"}));
  const std::string why = a->leak_explanation(0, 0, 9);
  EXPECT_NE(why.find("non-causal by design"), std::string::npos) << why;
}

TEST(ZooBigBird, RandomBlocksFollowTheSeedAndStayOutsideTheWindow) {
  Scene scene = test::test_scene({.variant = "bigbird", .n = 64, .params = {{"block", "4"}, {"random", "2"}}});
  const auto a = analyze(scene);
  scene.seed = 1;
  const auto b = analyze(scene);
  EXPECT_FALSE(a->mask(0) == b->mask(0));
  // Middle block rows 3..12 read 3 window blocks, 2 global blocks and 2 random ones.
  for (int row = 3 * 4; row < 13 * 4; ++row) EXPECT_EQ(a->mask(0).row_count(row), 7 * 4) << row;
}

}  // namespace
}  // namespace attnscope
