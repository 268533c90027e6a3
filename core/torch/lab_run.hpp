#pragma once
// The lab's trainer (core/analysis/lab.hpp says what it measures): a decoder-only transformer
// with token and learned position embeddings, pre-LN blocks of the scene's H heads and a 4·d MLP,
// trained with Adam on the CPU (core/torch/lab_model.hpp). Attention runs under the core's per-head
// masks (one source of truth), so every static variant trains as the core draws it, and a
// data-dependent one re-selects each sequence's masks from the model's own q and k in every layer.
#include <functional>
#include <string>
#include <vector>

#include "core/analysis/lab.hpp"
#include "core/scene/qkv.hpp"
#include "core/torch/lab_model.hpp"

namespace attnscope {

struct LabRunOptions {
  Scene scene;
  // Each layer's masks as analyze() leaves them (a stack's layers), or one entry for every layer.
  std::vector<LabLayerMasks> layers;
  LabSettings settings;
  std::string save_path;  // empty: nothing is written
};

struct LabProgress {
  // Fraction done; may throw AnalysisCancelled to stop at once (nothing is written then).
  std::function<void(double)> fraction;
  // Each point of the curves as it is measured (the GUI's live curves).
  std::function<void(const LabCurvePoint&)> point;
};

// How a front end that does not load LibTorch itself (the GUI) trains: the scene, the settings,
// where to save the model (empty: nowhere); the result with its reachable target positions.
using LabTrainer = std::function<LabResult(const Scene& scene, const LabSettings& settings,
                                           const std::string& save_path, const LabProgress& progress)>;

// Trains and returns the result (reachable_target_positions left for the caller). Throws
// InputError when the loss stops being finite (naming the step and suggesting a lower --lr).
// With a save path it writes the model's weights and, for one sample sequence of the task, the
// learned q, k, v of every layer as `layers.L.q|k|v` in (1, N, H, D) to a .safetensors file.
LabResult lab_run(const LabRunOptions& options, const LabProgress& progress);

// The core's own selection (analysis_build) of `scene`'s variant on one sequence's packed q, k, v
// ((N, 3, H, D) with D = head_dim): a routed layer's masks for that sequence.
LabRoute lab_route(const Scene& scene, int head_dim);

// The model's attention on the packed (B, N, 3, H, D) q, k, v of `qkv` under one layer's masks, as
// the trainer runs it: (B, N, H, D) outputs. For tests against the LibTorch reference's literal
// transcriptions.
std::vector<float> lab_attention_output(const LabLayerMasks& layer, const Qkv& qkv);

}  // namespace attnscope
