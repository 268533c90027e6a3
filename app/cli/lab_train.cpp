#include "app/cli/lab_train.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "app/cli/torch_loader.hpp"
#include "core/base/input_error.hpp"
#include "core/analysis/stack_model.hpp"
#include "core/base/install_layout.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

std::string lab_text_read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("text: cannot read '{}'; name a readable text file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void lab_stack_check(const Scene& scene, int layers) {
  const Stack stack = scene_stack(scene);
  if (layers != stack.layers)
    throw InputError(fmt::format("layers: the stack has {} layers and the model {}; give --layers {} or a stack of {} "
                                 "layers",
                                 stack.layers, layers, stack.layers, layers));
}

LabMasks lab_masks(const Scene& scene, int layers, AnalyzeOptions options) {
  options.values = false;
  LabMasks masks;
  // A data-dependent layer keeps its scene: the trainer re-selects its masks per sequence.
  const auto entry = [](const Analysis& layer) {
    return LabLayerMasks{layer.build.masks, layer.build.output_query,
                         layer.variant->reads_qkv() ? std::optional<Scene>(layer.scene) : std::nullopt};
  };
  if (scene.stack.empty()) {
    const auto structure = analyze(scene, options);
    masks.layers = {entry(*structure)};
    masks.reachable_target_positions = lab_reachable_targets(structure->build.masks, layers);
    return masks;
  }
  // A stack: layer l trains under layer l's masks, and a target is reachable through the stack's
  // own layers.
  const StackModel model = stack_model(scene, options);
  for (int l = 0; l < model.layers(); ++l)
    masks.layers.push_back(entry(model.layer(l)));
  masks.reachable_target_positions =
      lab_reachable_targets(reach_through_stack(model.layer_masks(), options.memory_budget_bytes).next, layers);
  return masks;
}

LabResult lab_train(LabTrainRequest request, const LabProgress& progress) {
  LabRunOptions options;
  options.scene = request.scene;
  options.settings = std::move(request.settings);
  LabSettings& s = options.settings;
  if (!options.scene.stack.empty()) lab_stack_check(options.scene, s.layers);
  if (s.task == "text" && s.text.empty()) s.text = lab_text_read(install_readme_path().string());
  lab_settings_check(s, options.scene);
  const LabTask task(s, options.scene.n);
  const int64_t bytes = lab_memory_bytes(s, options.scene, task.vocab());
  const int64_t budget = request.analyze.memory_budget_bytes;
  if (bytes > budget)
    throw InputError(fmt::format("train: the model and its activations need about {} MiB, over --max-memory {} MiB; "
                                 "lower --batch, --n or --d-model, or raise --max-memory",
                                 bytes >> 20, budget >> 20));
  options.scene.batch = 1;  // the masks do not depend on it
  options.save_path = std::move(request.save_path);
  LabMasks masks = lab_masks(options.scene, s.layers, request.analyze);
  options.layers = std::move(masks.layers);
  LabResult result = torch_module().lab_run(options, progress);
  result.reachable_target_positions = std::move(masks.reachable_target_positions);
  return result;
}

}  // namespace attnscope
