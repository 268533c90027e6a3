#pragma once
// One training of the lab as both the command line and the GUI's Lab panel run it: the refusals
// (stack layers, settings, memory) first, then the scene's masks, then the LibTorch trainer loaded on
// demand, then which positions can reach their own target.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/torch/lab_run.hpp"

namespace attnscope {

struct LabTrainRequest {
  Scene scene;
  LabSettings settings;      // the text task without text reads attnscope's README.md
  std::string save_path;     // empty: nothing is written
  AnalyzeOptions analyze;    // the masks' analysis (its progress) and the memory budget
};

// Throws InputError with the line the user sees for a refused variant, bad settings, a model
// over the memory budget or a diverging run; AnalysisCancelled when `progress` cancels.
LabResult lab_train(LabTrainRequest request, const LabProgress& progress);

// What the trainer trains under: one entry for every layer, or a stack's layers in order; and
// which positions can reach their own target through those layers.
struct LabMasks {
  std::vector<LabLayerMasks> layers;
  std::vector<int> reachable_target_positions;
};
LabMasks lab_masks(const Scene& scene, int layers, AnalyzeOptions options);

// Throws InputError when a stack's layer count differs from the model's `layers`.
void lab_stack_check(const Scene& scene, int layers);

// The text task's characters from `path`; throws InputError naming it when it cannot be read.
std::string lab_text_read(const std::string& path);

}  // namespace attnscope
