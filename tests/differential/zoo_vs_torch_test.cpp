// The sparse-attention variants against the LibTorch transcription of their papers' code
// (openai get_attn_mask, StartRecentKVCache, H2OKVCache_LayerWise, full_bigbird_mask, torch.topk,
// torchscale DilatedAttention) on the same q, k, v. Observed differences are below 1e-6.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/torch/reference.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr double kTolerance = 1e-5;

struct ZooCase {
  std::string variant;
  int n, heads, batch;
  std::map<std::string, std::string> params;
  uint64_t seed = 7;
};

std::string case_name(const ZooCase& c) {
  std::string name = c.variant + "_n" + std::to_string(c.n) + "_h" + std::to_string(c.heads) +
                     "_b" + std::to_string(c.batch) + "_s" + std::to_string(c.seed);
  for (const auto& [key, value] : c.params) name += "_" + key + value;
  for (char& ch : name)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

// Test listings show the scene, not the bytes of the parameter.
void PrintTo(const ZooCase& c, std::ostream* os) { *os << case_name(c); }

bool row_empty(const Analysis& a, int h, int q) { return a.mask(h).row_count(q) == 0; }

class ZooVsTorch : public ::testing::TestWithParam<ZooCase> {};

TEST_P(ZooVsTorch, OutputsAndWeightsAgree) {
  const ZooCase& c = GetParam();
  const auto a = analyze(test::test_scene({.variant = c.variant,
                                           .n = c.n,
                                           .heads = c.heads,
                                           .d = 8,
                                           .batch = c.batch,
                                           .seed = c.seed,
                                           .params = c.params}));
  const ReferenceResult ref = reference_run(a->scene, a->qkv);
  const int n = c.n, H = c.heads;
  double out_diff = 0, weight_diff = 0;
  for (int b = 0; b < c.batch; ++b)
    for (int h = 0; h < H; ++h)
      for (int q = 0; q < n; ++q) {
        // get_attn_mask's -1e9 fill turns a row with no key into uniform weights over every key
        // (future ones included); the core gives such a row weight 0. Only 'fixed' has them.
        if (row_empty(*a, h, q)) continue;
        for (int i = 0; i < a->scene.d; ++i) {
          const size_t at = ((size_t(b) * n + q) * H + h) * a->scene.d + i;
          out_diff = std::max(out_diff, double(std::abs(ref.output[at] - a->attention.output[at])));
        }
        for (int k = 0; k < n; ++k) {
          const float expected = ref.weights[((size_t(b) * H + h) * n + q) * n + k];
          weight_diff = std::max(weight_diff, double(std::abs(expected - a->weight(b, h, q, k))));
          if (expected > 0) EXPECT_TRUE(a->allowed(h, q, k)) << "h" << h << " q" << q << " k" << k;
        }
      }
  RecordProperty("max_abs_diff_output", std::to_string(out_diff));
  RecordProperty("max_abs_diff_weights", std::to_string(weight_diff));
  EXPECT_LE(out_diff, kTolerance);
  EXPECT_LE(weight_diff, kTolerance);
}

std::vector<ZooCase> sweep() {
  std::vector<ZooCase> cases;
  for (int n : {16, 37, 64}) {
    cases.push_back({"window", n, 2, 2, {{"window", "4"}}});
    cases.push_back({"window", n, 1, 1, {{"window", "1"}}});
    cases.push_back({"strided", n, 2, 1, {}});
    cases.push_back({"strided", n, 4, 2, {{"stride", "5"}}});
    cases.push_back({"fixed", n, 2, 1, {{"stride", "4"}, {"c", "1"}}});
    cases.push_back({"fixed", n, 4, 1, {{"stride", "6"}, {"c", "2"}}});
    cases.push_back({"streaming", n, 2, 2, {{"sinks", "2"}, {"window", "4"}}});
    cases.push_back({"streaming", n, 1, 1, {{"sinks", "0"}, {"window", "6"}}});
    for (uint64_t seed : {1u, 2u, 3u}) {
      cases.push_back({"h2o", n, 3, 1, {{"hh", "2"}, {"recent", "2"}}, seed});
      cases.push_back({"h2o", n, 2, 1, {{"hh", "4"}, {"recent", "1"}}, seed});
      cases.push_back({"topk", n, 2, 1, {{"topk", "3"}}, seed});
    }
    cases.push_back({"h2o", n, 2, 1, {{"hh", "0"}, {"recent", "3"}}});
  }
  cases.push_back({"bigbird", 16, 1, 1, {{"block", "2"}, {"random", "1"}, {"rand-blocks", "4,5,6,1,2,3"}}});
  cases.push_back({"bigbird", 64, 2, 2, {{"block", "4"}, {"random", "2"}}});
  cases.push_back({"bigbird", 48, 3, 1, {{"block", "3"}, {"random", "1"}}, 9});
  cases.push_back({"longnet", 16, 4, 1, {{"segments", "4"}, {"ratios", "1"}}});
  cases.push_back({"longnet", 32, 4, 2, {{"segments", "8"}, {"ratios", "2"}}});
  cases.push_back({"longnet", 30, 3, 1, {{"segments", "16"}, {"ratios", "4"}}});  // padding
  cases.push_back({"s2-fix-split", 14, 2, 1, {}});  // SFT path: N = 14 is not a multiple of G = 4
  cases.push_back({"s2-fix-split", 22, 4, 2, {}});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Sweep, ZooVsTorch, ::testing::ValuesIn(sweep()),
                         [](const auto& info) { return case_name(info.param); });

// With several (w, r) pairs torchscale mixes the pairs' outputs by their softmax denominators,
// which equals one softmax over the union only when no key is in two pairs. A key in m pairs
// gets weight m·e^s / Σ m·e^s: the union mask is right, its weights are not a plain softmax.
TEST(ZooVsTorch, LongNetWeightsCountAKeyOncePerPair) {
  const Scene scene = test::test_scene(
      {.variant = "longnet", .n = 32, .heads = 4, .seed = 7, .params = {{"segments", "4,8,16"}, {"ratios", "1,2,4"}}});
  const auto a = analyze(scene);
  const ReferenceResult ref = reference_run(scene, a->qkv);
  const std::vector<std::pair<int, int>> pairs = {{4, 1}, {8, 2}, {16, 4}};
  double diff = 0;
  int rows_with_repeats = 0;
  for (int h = 0; h < 4; ++h)
    for (int q = 0; q < 32; ++q) {
      std::vector<double> mult(32, 0);
      for (int k = 0; k <= q; ++k)
        for (const auto& [w, r] : pairs) {
          const int off = h / ((4 + r - 1) / r);
          mult[k] += q / w == k / w && (q % w) % r == off && (k % w) % r == off;
        }
      double z = 0;
      for (int k = 0; k <= q; ++k) z += mult[k] * std::exp(double(a->score(0, h, q, k)) * (mult[k] > 0));
      rows_with_repeats += *std::max_element(mult.begin(), mult.end()) > 1;
      for (int k = 0; k < 32; ++k) {
        const double expected = mult[k] > 0 ? mult[k] * std::exp(double(a->score(0, h, q, k))) / z : 0;
        diff = std::max(diff, std::abs(expected - ref.weights[(size_t(h) * 32 + q) * 32 + k]));
        EXPECT_EQ(mult[k] > 0, a->allowed(h, q, k)) << "h" << h << " q" << q << " k" << k;
      }
    }
  EXPECT_GT(rows_with_repeats, 0);
  EXPECT_LE(diff, kTolerance);
}

}  // namespace
}  // namespace attnscope
