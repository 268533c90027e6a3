#include "app/cli/lab_train.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "app/cli/torch_loader.hpp"
#include "core/base/input_error.hpp"
#include "core/base/install_layout.hpp"

namespace attnscope {

std::string lab_text_read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("text: cannot read '{}'; name a readable text file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

LabResult lab_train(LabTrainRequest request, const LabProgress& progress) {
  LabRunOptions options;
  options.scene = request.scene;
  options.settings = std::move(request.settings);
  LabSettings& s = options.settings;
  lab_variant_check(options.scene);
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
  request.analyze.values = false;
  const auto structure = analyze(options.scene, request.analyze);
  options.layers = {{structure->build.masks, structure->build.output_query}};
  options.save_path = std::move(request.save_path);
  LabResult result = torch_module().lab_run(options, progress);
  result.reachable_target_positions = lab_reachable_targets(options.layers.front().masks, s.layers);
  return result;
}

}  // namespace attnscope
