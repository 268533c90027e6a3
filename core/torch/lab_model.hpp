#pragma once
// The lab's model written out by hand: forward and backward of the decoder-only transformer
// (token and learned position embeddings, pre-LN blocks with a fused q, k, v projection, masked
// softmax attention, a 4·d GELU MLP, a final LayerNorm and an untied head, next-token
// cross-entropy) and Adam over one flat buffer of parameters. The models are tiny ((B·N, d) with
// d = 64): through autograd, dispatch and allocation cost more than the arithmetic, so every
// activation is allocated once and reused, each matrix product is one BLAS call and everything
// else is a plain loop. tests/differential/lab_autograd.cpp keeps the same model in LibTorch's autograd
// as the reference it is tested against.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cells/row_runs.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

struct LabShape {
  int vocab = 16, n = 8, d_model = 64, heads = 2, layers = 2;
  int batch = 128;  // sequences per step: the activations are sized for this many
};

// One parameter tensor inside the flat buffer, in the order the model is saved.
struct LabParameter {
  std::string name;
  std::vector<int64_t> shape;
  size_t offset = 0, size = 0;
};
std::vector<LabParameter> lab_parameter_layout(const LabShape& shape);

// One layer's attention pattern as the model applies it. A position whose row was computed for
// another query (a roll back that does not undo the roll) reads that query's q; a row with no
// allowed key outputs 0, as in the core.
struct LabMask {
  int heads = 0, n = 0;
  std::vector<uint8_t> allowed;  // (H, N, N): 1 where the row at the output position may read the key
  std::vector<uint8_t> has_key;  // (H, N)
  std::vector<int> query;        // (H, N): the query whose row lands at each output position
};
// One layer's masks as the core leaves them: per head, rows at output positions, and per head
// the query whose row lands at each position (VariantBuild::output_query; empty: every position
// is its own query).
struct LabLayerMasks {
  std::vector<RowRuns> masks;
  std::vector<std::vector<int>> output_query;
  // A data-dependent layer: the scene whose variant re-selects each training sequence's masks from
  // the model's own q and k (lab_route); `masks` are then its selection on the scene's q and k.
  std::optional<Scene> selects;
};
LabMask lab_mask(const LabLayerMasks& layer);
LabMask lab_causal_mask(int heads, int n);

// A data-dependent layer's selection: one sequence's masks from that layer's own q, k, v, packed
// (N, 3, H, D) as the core's Qkv of one sequence lays them out. A hard choice with no gradient:
// the backward pass uses the masks the forward selected.
using LabRoute = std::function<LabLayerMasks(const float* sequence_qkv)>;
// One entry per layer, an empty one for a layer whose masks are fixed; an empty list: no layer routes.
using LabRoutes = std::vector<LabRoute>;

// Packed q, k, v rows (rows of (3, H, D)) -> (rows, H, D) outputs and the (batch, H, N, N) weights.
void lab_attention_forward(const float* qkv, float* out, float* weights, int batch, const LabMask& mask, int head_dim);

// One layer's learned q, k, v ((N, H, D) each) and attention weights ((H, N, N)) on one sequence.
struct LabLayerCapture {
  std::vector<float> q, k, v, weights;
};

class LabModel {
 public:
  // GPT-2's initialisation from `seed` (the normal draws are LibTorch's, in the saving order).
  LabModel(const LabShape& shape, uint64_t seed);

  const LabShape& shape() const { return shape_; }
  const std::vector<float>& parameters() const { return parameters_; }
  const std::vector<float>& gradients() const { return gradients_; }

  // Mean next-token loss of `tokens` ((batch, n) row-major) under one mask per layer, and every
  // parameter's gradient of it. A layer with a route takes each sequence's mask from it instead.
  double forward_backward(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks,
                          const LabRoutes& routes = {});
  // One step of Adam with torch::optim::Adam's defaults (betas 0.9, 0.999, eps 1e-8, no decay).
  void adam_step(double lr);

  // Mean loss of each position (n − 1 entries) over up to `batch` sequences, forward only.
  std::vector<double> losses_per_position(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks,
                                          const LabRoutes& routes = {});
  // Every layer's q, k, v and weights on one sequence.
  std::vector<LabLayerCapture> capture(const std::vector<int64_t>& sequence, const std::vector<LabMask>& masks,
                                       const LabRoutes& routes = {});
  // The masks a routed layer's last forward selected, one per sequence; empty for a fixed layer.
  const std::vector<LabMask>& routed_masks(int layer) const { return routed_[static_cast<size_t>(layer)]; }

 private:
  struct Layer {
    // `up` holds the MLP's pre-activation, then GELU's slope at it (gelu_with_slope).
    std::vector<float> xhat1, rstd1, h1, qkv, weights, attended, xhat2, rstd2, h2, up, gelu;
  };
  void forward(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks, const LabRoutes& routes);
  double backward(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks);
  // The mask sequence b of layer l ran under in the last forward.
  const LabMask& mask_of(const std::vector<LabMask>& masks, int layer, int b) const {
    const auto& routed = routed_[static_cast<size_t>(layer)];
    return routed.empty() ? masks[static_cast<size_t>(layer)] : routed[static_cast<size_t>(b)];
  }
  const float* parameter(size_t index) const { return parameters_.data() + layout_[index].offset; }
  float* gradient(size_t index) { return gradients_.data() + layout_[index].offset; }

  LabShape shape_;
  std::vector<LabParameter> layout_;
  std::vector<float> parameters_, gradients_, moment1_, moment2_;
  int adam_steps_ = 0;
  int rows_ = 0;  // batch · n of the last forward
  std::vector<float> stream_, xhatf_, rstdf_, hf_, logits_;
  std::vector<Layer> layers_;
  std::vector<std::vector<LabMask>> routed_;  // per layer, per sequence of the last forward
  std::vector<float> d_stream_, d_normed_, d_qkv_, d_attended_, d_gelu_, d_logits_;
};

}  // namespace attnscope
