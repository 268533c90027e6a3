#pragma once
// The LibTorch reference: the papers' tensor code written line by line with ATen ops, run on the
// same packed q, k, v as the Eigen core. It exists to check the core, so it favours literal
// transcription over speed.
#include <string>
#include <vector>

#include "core/scene/qkv.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

struct ReferenceResult {
  std::vector<float> output;   // (B, N, H, D)
  std::vector<float> weights;  // (B, H, N, N), original coordinates, masked cells 0
};

bool reference_available(const std::string& variant);
std::vector<std::string> reference_variants();
// Throws SceneError when the variant has no reference.
ReferenceResult reference_run(const Scene& scene, const Qkv& qkv);

// The grouped causal workload of the benchmarks: Algorithm 1's path returning only the output.
std::vector<float> reference_s2_output(const Scene& scene, const Qkv& qkv);

}  // namespace attnscope
