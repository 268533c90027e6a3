// The odd-G roll code (roll by -3, back by +2) against LibTorch running it literally.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/torch/reference.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(S2CodeFloorVsTorch, OutputsAndWeightsAgree) {
  for (const auto& [n, g, batch] : std::vector<std::tuple<int, int, int>>{{15, 5, 1}, {21, 7, 2}}) {
    const Scene s = test::test_scene(
        {.n = n, .batch = batch, .g = g, .shift = -(g + 1) / 2, .params = {{"unroll", std::to_string(g / 2)}}});
    const auto a = analyze(s);
    const ReferenceResult ref = reference_run(s, a->qkv);
    double out_diff = 0, weight_diff = 0;
    for (size_t i = 0; i < ref.output.size(); ++i)
      out_diff = std::max(out_diff, double(std::abs(ref.output[i] - a->attention.output[i])));
    for (int b = 0; b < batch; ++b)
      for (int h = 0; h < 2; ++h)
        for (int q = 0; q < n; ++q)
          for (int k = 0; k < n; ++k)
            weight_diff = std::max(weight_diff,
                                   double(std::abs(ref.weights[((size_t(b) * 2 + h) * n + q) * n + k] -
                                                   a->weight(b, h, q, k))));
    EXPECT_LE(out_diff, 1e-5) << "n=" << n;
    EXPECT_LE(weight_diff, 1e-5) << "n=" << n;
  }
}

}  // namespace
}  // namespace attnscope
