#include "app/gui/stack_strip.hpp"

#include "core/base/progress_scope.hpp"

namespace attnscope {

StackStrip stack_strip_build(const Scene& scene, const StackStrip* have, int reach_layer,
                             const std::function<void(double)>& progress) {
  StackStrip strip;
  strip.key = stack_strip_key(scene);
  strip.reach_layer = reach_layer;
  auto report = [&](double fraction) {
    if (progress) progress(fraction);
  };
  const bool reuse = have && have->key == strip.key && have->model;
  const double model_share = reuse ? 0.0 : 0.5;  // of the progress bar
  if (reuse) {
    strip.model = have->model;
    strip.unions = have->unions;
    strip.leak_unions = have->leak_unions;
  } else {
    AnalyzeOptions options;
    options.progress = [&](double fraction) { report(fraction * model_share); };
    auto model = std::make_shared<const StackModel>(stack_model(scene, options));
    std::vector<std::shared_ptr<const RowRuns>> distinct, distinct_leaks;
    for (const auto& analysis : model->analyses) {
      distinct.push_back(std::make_shared<const RowRuns>(heads_union(analysis->build.masks)));
      distinct_leaks.push_back(std::make_shared<const RowRuns>(heads_union(analysis->leaks)));
    }
    for (int index : model->layer_analysis) {
      strip.unions.push_back(distinct[index]);
      strip.leak_unions.push_back(distinct_leaks[index]);
    }
    strip.model = std::move(model);
  }
  const ProgressScope scope([&](double fraction) { report(model_share + (1 - model_share) * fraction); });
  strip.reach = std::make_shared<const StackReach>(
      stack_model_reach(*strip.model, kStackReachMaxBytes, false, reach_layer));
  report(1.0);
  return strip;
}

}  // namespace attnscope
