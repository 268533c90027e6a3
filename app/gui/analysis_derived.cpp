#include "app/gui/analysis_derived.hpp"

#include "app/gui/heatmap_image.hpp"
#include "core/presentation/step_scores.hpp"

namespace attnscope {

AnalysisDerived analysis_derived(const Analysis& analysis, bool with_cost) {
  AnalysisDerived derived;
  derived.weight_scale = analysis_weight_scale(analysis);
  derived.score_scale = step_score_scale(analysis).vmax;
  derived.lesson = lesson_compute(analysis, with_cost);
  const int steps = static_cast<int>(analysis.trace().steps.size());
  for (int i = 0; i < steps; ++i) derived.step_texts.push_back(step_text(analysis, i));
  return derived;
}

}  // namespace attnscope
