#include "app/gui/stack_strip.hpp"

#include "app/gui/heatmap_image.hpp"
#include "core/base/progress_scope.hpp"

namespace attnscope {

StackStrip stack_strip_build(const Scene& scene, const StackStrip* have, int reach_layer, ThemeName theme,
                             const std::function<void(double)>& progress) {
  StackStrip strip;
  strip.key = stack_strip_key(scene);
  strip.reach_layer = reach_layer;
  strip.reach_theme = theme;
  auto report = [&](double fraction) {
    if (progress) progress(fraction);
  };
  // A stretch [begin, end) of the bar for the loops that report to the thread's ProgressScope.
  auto stretch = [&](double begin, double end) {
    return ProgressScope([&report, begin, end](double fraction) { report(begin + (end - begin) * fraction); });
  };
  const bool reuse = have && have->key == strip.key && have->model;
  // The same field in another theme (a theme or classroom switch) needs its image alone.
  const bool reuse_reach = reuse && have->reach && have->reach_layer == reach_layer;
  const double model_end = reuse ? 0.0 : 0.5, reach_end = reuse_reach ? model_end : 0.9;  // of the progress bar
  if (reuse) {
    strip.model = have->model;
    strip.unions = have->unions;
    strip.leak_unions = have->leak_unions;
  } else {
    AnalyzeOptions options;
    options.progress = [&](double fraction) { report(fraction * model_end); };
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
  if (reuse_reach) {
    strip.reach = have->reach;
  } else {
    const ProgressScope scope = stretch(model_end, reach_end);
    strip.reach = std::make_shared<const StackReach>(
        stack_model_reach(*strip.model, kStackReachMaxBytes, false, reach_layer));
  }
  if (reach_layer >= 0) {
    // The field's image at up to 2048² texels takes a frame tens of milliseconds at N = 131072:
    // built here, in the colours the view draws it in.
    const ProgressScope scope = stretch(reach_end, 1.0);
    const Theme& colours = theme_get(theme);
    strip.reach_image = std::make_shared<const RgbaImage>(cells_image_build(strip.reach->sets, colours.axis, colours.masked));
  }
  report(1.0);
  return strip;
}

}  // namespace attnscope
