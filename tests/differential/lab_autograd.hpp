#pragma once
// The lab's model through LibTorch's autograd and torch::optim::Adam: the reference the
// hand-written model (core/torch/lab_model.hpp) is tested against. Its attention adds the core's
// masks as −inf/0 tensors and gathers moved queries with LibTorch's own operators.
#include <cstdint>
#include <vector>

#include "core/torch/lab_model.hpp"

namespace attnscope {

struct LabAutogradRun {
  double loss = 0;                // of the first step
  std::vector<float> gradients;   // of the first step, in lab_parameter_layout's order
  std::vector<float> parameters;  // after every step
};

// `steps` training steps on the same `tokens` ((batch, n) row-major) from `parameters`. A layer
// with a route takes each sequence's masks from it, applied to this model's own q, k, v of that
// layer at every step (detached: the selection has no gradient), stacked as (B, H, N, N) masks.
LabAutogradRun lab_autograd_run(const LabShape& shape, const std::vector<float>& parameters,
                                const std::vector<LabLayerMasks>& layers, const std::vector<int64_t>& tokens,
                                int steps, double lr, const LabRoutes& routes = {});

}  // namespace attnscope
