#pragma once
// What the views show of an analysis besides its cells, found once per analysis: its colour
// scales, its lesson and every step's text. A large scene's analysis job finds them on its worker
// with the analysis, so installing it in a frame only swaps pointers (at N = 131072 × 32 heads the
// step texts alone take a fifth of a second).
#include <memory>
#include <vector>

#include "app/gui/lesson.hpp"
#include "core/analysis/analysis.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/presentation/weight_scale.hpp"

namespace attnscope {

struct AnalysisDerived {
  WeightScale weight_scale;  // the legend, heatmaps and compare
  float score_scale = 1.f;   // the largest |score| (score steps)
  std::shared_ptr<const Lesson> lesson;  // with the cost table when the cost panel was open
  std::vector<StepText> step_texts;  // per step
};

AnalysisDerived analysis_derived(const Analysis& analysis, bool with_cost);

}  // namespace attnscope
