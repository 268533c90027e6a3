#include "core/analysis/stack_model.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "core/analysis/cost.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

namespace {

// What makes two layers' masks equal: their scene without its layer number, unless a file with a
// layer axis (DuoAttention's gates, a mask file, q, k, v) gives each layer its own.
std::string layer_key(const Scene& scene) {
  nlohmann::json j = scene_to_json(scene);
  bool reads_layer = !scene.qkv.empty();
  for (const auto& [key, value] : scene.params)
    if (const ParamSpec* spec = variant_param_spec(key); spec && spec->kind == ParamSpec::Kind::Path && !value.empty())
      reads_layer = true;
  if (!reads_layer) j.erase("layer");
  j.erase("stack");
  return j.dump();
}

}  // namespace

std::vector<const std::vector<RowRuns>*> StackModel::layer_masks() const {
  std::vector<const std::vector<RowRuns>*> masks;
  for (int index : layer_analysis) masks.push_back(&analyses[index]->build.masks);
  return masks;
}

StackModel stack_model(const Scene& scene, const AnalyzeOptions& options) {
  const Stack stack = scene_stack(scene);
  StackModel model;
  std::map<std::string, int> index_of;
  AnalyzeOptions layer_options = options;
  layer_options.values = false;
  layer_options.scene_validated = true;  // the stack's scene validated every layer
  if (!options.scene_validated) scene_validate(scene);
  for (int layer = 0; layer < stack.layers; ++layer) {
    const Scene layer_scene = stack_layer_scene(scene, layer);
    const auto [it, added] = index_of.emplace(layer_key(layer_scene), static_cast<int>(model.analyses.size()));
    if (added) {
      layer_options.progress = [&](double fraction) {
        if (options.progress) options.progress((layer + fraction) / stack.layers);
      };
      model.analyses.push_back(analyze(layer_scene, layer_options));
    }
    model.layer_analysis.push_back(it->second);
  }
  if (options.progress) options.progress(1.0);
  return model;
}

RowRuns heads_union(const std::vector<RowRuns>& masks) {
  const std::vector<const RowRuns*> distinct = runs_distinct(masks);
  RowRuns out = *distinct.front();
  for (size_t h = 1; h < distinct.size(); ++h) out = runs_union(out, *distinct[h]);
  return out;
}

StackReach stack_model_reach(const StackModel& model, int64_t max_bytes, bool keep_counts, int sets_after) {
  return reach_through_stack(model.layer_masks(), max_bytes, keep_counts, sets_after);
}

}  // namespace attnscope

namespace attnscope {

StackCost stack_model_cost(const StackModel& model) {
  StackCost cost;
  for (int l = 0; l < model.layers(); ++l) {
    const Analysis& a = model.layer(l);
    const LayerCost layer = cost_layer(a.n(), kLlamaModel, kLlamaFf, kLlamaHeads,
                                       static_cast<double>(a.metrics.total_allowed) / a.heads());
    cost.total += layer.total();
    cost.total_full += layer.total_full();
    cost.attention += layer.attention;
    cost.attention_full += layer.attention_full;
  }
  return cost;
}

}  // namespace attnscope
