// Data-dependent variants on a user's q, k, v (--qkv): topk and h2o keep the keys the LibTorch
// transcription of their papers' code keeps (torch.topk, H2OKVCache_LayerWise) on the same
// tensors read from the file, and every weight agrees.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/torch/reference.hpp"

namespace attnscope {
namespace {

struct LoadedCase {
  std::string file, variant;
  std::map<std::string, std::string> params;
};

class LoadedQkvVsTorch : public testing::TestWithParam<LoadedCase> {};

TEST_P(LoadedQkvVsTorch, KeptKeysAndWeightsAgree) {
  Scene scene;
  scene.qkv = std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/tensors/" + GetParam().file;
  scene = qkv_file_sizes(scene);
  scene.variant = GetParam().variant;
  scene.params = GetParam().params;
  const auto a = analyze(scene);
  const ReferenceResult ref = reference_run(a->scene, a->qkv);
  const int n = a->n();
  int kept = 0;
  for (int b = 0; b < scene.batch; ++b)
    for (int h = 0; h < scene.heads; ++h)
      for (int q = 0; q < n; ++q)
        for (int k = 0; k < n; ++k) {
          const float expected = ref.weights[((static_cast<size_t>(b) * scene.heads + h) * n + q) * n + k];
          EXPECT_EQ(a->allowed(h, q, k), expected != 0.f) << "b" << b << " h" << h << " (" << q << ", " << k << ")";
          EXPECT_NEAR(a->weight(b, h, q, k), expected, 1e-5);
          kept += a->allowed(h, q, k);
        }
  EXPECT_LT(kept, scene.batch * scene.heads * n * (n + 1) / 2) << "the variant dropped no key: nothing was chosen";
}

INSTANTIATE_TEST_SUITE_P(Files, LoadedQkvVsTorch,
                         // One batch row: topk and h2o choose per sequence.
                         testing::Values(LoadedCase{"qkv_rank3_f32.npz", "topk", {{"topk", "3"}}},
                                         LoadedCase{"qkv_rank3_f32.npz", "topk", {{"topk", "2"}}},
                                         LoadedCase{"qkv_rank3_f32.npz", "h2o", {{"hh", "2"}, {"recent", "2"}}},
                                         LoadedCase{"qkv_rank3_f32.npz", "h2o", {{"hh", "1"}, {"recent", "2"}}}),
                         [](const auto& info) {
                           std::string name = info.param.variant;
                           for (const auto& [key, value] : info.param.params) name += "_" + key + value;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace attnscope
