// The lab's attention (core/torch/lab_model.cpp: loops over the keys the core's per-head masks
// allow) against the literal tensor code: LongLoRA's Algorithm 1 for the S2 family (roll half
// the heads, group-reshape, causal mask in the frame, roll back, as core/torch/reference.cpp
// transcribes it) and, for full, plain causal softmax attention written as loops here.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/analysis/analysis.hpp"
#include "core/torch/lab_run.hpp"
#include "core/torch/reference.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr double kTolerance = 1e-5;

struct Case {
  std::string variant;
  int n, g, heads, batch;
  std::optional<int> shift;
  std::map<std::string, std::string> params;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.variant << " n" << c.n << " g" << c.g << " h" << c.heads << " b" << c.batch
      << (c.shift ? " shift " + std::to_string(*c.shift) : "");
}

double max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double diff = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) diff = std::max(diff, double(std::abs(a[i] - b[i])));
  return diff;
}

class LabAttentionVsAlgorithm1 : public ::testing::TestWithParam<Case> {};

TEST_P(LabAttentionVsAlgorithm1, MaskPathEqualsTheLiteralForward) {
  const Case& c = GetParam();
  const Scene scene = test::test_scene(
      {.variant = c.variant, .n = c.n, .heads = c.heads, .d = 16, .batch = c.batch, .g = c.g, .shift = c.shift, .seed = 3,
       .params = c.params});
  const auto a = analyze(scene);
  const std::vector<float> masked = lab_attention_output({a->build.masks, a->build.output_query}, a->qkv);
  EXPECT_LE(max_difference(masked, reference_run(scene, a->qkv).output), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(S2Family, LabAttentionVsAlgorithm1,
                         ::testing::Values(Case{"s2", 8, 8, 2, 3, {}}, Case{"s2", 16, 4, 4, 2, {}},
                                           Case{"s2", 32, 8, 2, 1, 3}, Case{"s2", 12, 3, 2, 2, -1},
                                           // The odd-G code: rolls by -3, back by 2, so rows land one token over.
                                           Case{"s2", 10, 5, 2, 2, -3, {{"unroll", "2"}}},
                                           Case{"s2-fix-mask", 8, 8, 2, 3, {}}, Case{"s2-fix-mask", 16, 4, 4, 2, {}},
                                           Case{"s2-fix-split", 8, 8, 2, 3, {}},
                                           Case{"s2-fix-split", 16, 4, 2, 2, {}}));

TEST(LabAttention, FullEqualsPlainCausalSoftmax) {
  const Scene scene = test::test_scene({.variant = "full", .n = 12, .heads = 3, .d = 16, .batch = 2, .seed = 5});
  const auto a = analyze(scene);
  const Qkv& qkv = a->qkv;
  std::vector<float> expected(static_cast<size_t>(qkv.batch) * qkv.n * qkv.heads * qkv.d);
  for (int b = 0; b < qkv.batch; ++b)
    for (int h = 0; h < qkv.heads; ++h)
      for (int q = 0; q < qkv.n; ++q) {
        std::vector<double> scores;
        double top = -INFINITY, total = 0;
        for (int k = 0; k <= q; ++k) {
          double dot = 0;
          for (int i = 0; i < qkv.d; ++i) dot += double(qkv.row(b, q, Qkv::Q, h)[i]) * qkv.row(b, k, Qkv::K, h)[i];
          scores.push_back(dot / std::sqrt(double(qkv.d)));
          top = std::max(top, scores.back());
        }
        for (double& s : scores) total += (s = std::exp(s - top));
        for (int i = 0; i < qkv.d; ++i) {
          double out = 0;
          for (int k = 0; k <= q; ++k) out += scores[k] / total * qkv.row(b, k, Qkv::V, h)[i];
          expected[((size_t(b) * qkv.n + q) * qkv.heads + h) * qkv.d + i] = static_cast<float>(out);
        }
      }
  const std::vector<float> masked = lab_attention_output({a->build.masks, a->build.output_query}, qkv);
  EXPECT_LE(max_difference(masked, expected), kTolerance);
  EXPECT_LE(max_difference(masked, reference_run(scene, qkv).output), kTolerance);
}

// A head whose rows allow no key (a mask file's empty rows) gives 0, not NaN.
TEST(LabAttention, RowsWithoutKeysGiveZero) {
  Qkv qkv{.batch = 1, .n = 4, .heads = 1, .d = 2, .data = std::vector<float>(4 * 3 * 2, 1.f)};
  RowRuns mask(4, 4);
  mask.append_row({{0, 1}});
  mask.append_row({});
  mask.append_row({{0, 3}});
  mask.append_row({});
  const std::vector<float> out = lab_attention_output({{mask}, {}}, qkv);
  const std::vector<float> expected = {1, 1, 0, 0, 1, 1, 0, 0};
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace attnscope
