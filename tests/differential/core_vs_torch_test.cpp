// The Eigen core against the LibTorch transcription of each paper's tensor code, on the same
// packed q, k, v, over a sweep of shapes. Observed differences are ~3e-7 (float rounding of
// two different summation orders); the tolerance is the one `attnscope verify` uses.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/torch/reference.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr double kTolerance = 1e-5;

struct Case {
  std::string variant;
  int n, g, heads, batch, d;
  std::optional<int> shift;
};

std::string case_name(const Case& c) {
  std::string name = c.variant + "_n" + std::to_string(c.n) + "_g" + std::to_string(c.g) + "_h" +
                     std::to_string(c.heads) + "_b" + std::to_string(c.batch) + "_d" +
                     std::to_string(c.d);
  if (c.shift) name += "_shift" + std::string(*c.shift < 0 ? "m" : "p") + std::to_string(std::abs(*c.shift));
  for (char& ch : name)
    if (ch == '-') ch = '_';
  return name;
}

// Test listings show the scene, not the bytes of the parameter.
void PrintTo(const Case& c, std::ostream* os) { *os << case_name(c); }

class CoreVsTorch : public ::testing::TestWithParam<Case> {};

TEST_P(CoreVsTorch, OutputsAndWeightsAgree) {
  const Case& c = GetParam();
  const Scene scene = test::test_scene({.variant = c.variant,
                                        .n = c.n,
                                        .heads = c.heads,
                                        .d = c.d,
                                        .batch = c.batch,
                                        .g = c.g,
                                        .shift = c.shift,
                                        .seed = 7});
  const auto a = analyze(scene);
  const ReferenceResult ref = reference_run(scene, a->qkv);
  ASSERT_EQ(ref.output.size(), a->attention.output.size());
  double out_diff = 0, weight_diff = 0;
  for (size_t i = 0; i < ref.output.size(); ++i)
    out_diff = std::max(out_diff, double(std::abs(ref.output[i] - a->attention.output[i])));
  for (int b = 0; b < c.batch; ++b)
    for (int h = 0; h < c.heads; ++h)
      for (int q = 0; q < c.n; ++q)
        for (int k = 0; k < c.n; ++k) {
          const float expected = ref.weights[((size_t(b) * c.heads + h) * c.n + q) * c.n + k];
          weight_diff = std::max(weight_diff, double(std::abs(expected - a->weight(b, h, q, k))));
          // A cell the reference gives weight to must be allowed by the core's mask.
          if (expected > 0) EXPECT_TRUE(a->allowed(h, q, k)) << "h" << h << " q" << q << " k" << k;
        }
  EXPECT_LE(out_diff, kTolerance);
  EXPECT_LE(weight_diff, kTolerance);
}

std::vector<Case> sweep() {
  std::vector<Case> cases;
  for (const std::string v : {"s2", "s2-fix-mask", "s2-fix-split"}) {
    cases.push_back({v, 16, 4, 2, 1, 8, {}});
    cases.push_back({v, 8, 2, 2, 1, 4, {}});
    cases.push_back({v, 32, 8, 4, 2, 16, {}});
    cases.push_back({v, 24, 6, 2, 3, 8, {}});
    cases.push_back({v, 16, 4, 2, 1, 8, 2});
    cases.push_back({v, 64, 16, 2, 1, 8, -8});
    cases.push_back({v, 128, 32, 2, 1, 8, {}});  // more than one 64-row tile per group
  }
  cases.push_back({"s2", 20, 4, 2, 1, 8, -3});
  cases.push_back({"s2", 20, 4, 2, 1, 8, 5});
  cases.push_back({"s2", 15, 5, 2, 1, 8, -3});  // odd G with the code's floor division
  for (const std::string v : {"full", "short"}) {
    cases.push_back({v, 16, 4, 2, 1, 8, {}});
    cases.push_back({v, 24, 8, 3, 2, 8, {}});
    cases.push_back({v, 130, 10, 1, 1, 8, {}});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Sweep, CoreVsTorch, ::testing::ValuesIn(sweep()),
                         [](const auto& info) { return case_name(info.param); });

}  // namespace
}  // namespace attnscope
