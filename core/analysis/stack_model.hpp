#pragma once
// A model stack analysed layer by layer: each layer's scene (core/scene/stack.hpp) through the
// same analyze() as any scene, equal layers analysed once, and the receptive field through them.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/reach/reach.hpp"

namespace attnscope {

struct StackModel {
  std::vector<std::shared_ptr<const Analysis>> analyses;  // the distinct layers
  std::vector<int> layer_analysis;                        // per layer, its index in `analyses`
  int layers() const { return static_cast<int>(layer_analysis.size()); }
  const Analysis& layer(int l) const { return *analyses[layer_analysis[l]]; }
  std::vector<const std::vector<RowRuns>*> layer_masks() const;
};

// Structure-only analyses of every layer of `scene`'s stack (SceneError when it has none). Reports
// its progress through options.progress, which may cancel it.
StackModel stack_model(const Scene& scene, const AnalyzeOptions& options);

// What a layer reads: the union of its heads' masks (heads sharing a mask are merged once).
RowRuns heads_union(const std::vector<RowRuns>& masks);

// The receptive field through the whole model (reach_through_stack over its layers).
StackReach stack_model_reach(const StackModel& model, int64_t max_bytes, bool keep_counts = false,
                             int sets_after = -1);

}  // namespace attnscope

namespace attnscope {

// A whole model's FLOPs: every layer's projections, MLP and attention (cost_layer with LLaMA-2
// 7B's widths, the layer's own cells per head) summed over the layers, against every layer full.
struct StackCost {
  double total = 0;
  double total_full = 0;
  double attention = 0;
  double attention_full = 0;
};
StackCost stack_model_cost(const StackModel& model);

}  // namespace attnscope
