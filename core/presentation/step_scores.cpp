#include "core/presentation/step_scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnscope {

StepCells step_cells(const Analysis& analysis, int index) {
  const auto& steps = analysis.trace().steps;
  // The latest value a step at or before `index` has produced.
  StepCells cells = StepCells::Pattern;
  for (int i = 0; i <= index && i < static_cast<int>(steps.size()); ++i) {
    switch (steps[i].values) {
      case StepValues::None: break;
      case StepValues::Scores: cells = StepCells::Scores; break;
      case StepValues::MaskedScores: cells = StepCells::MaskedScores; break;
      case StepValues::Weights:
      case StepValues::FrameOutput:
      case StepValues::Output: cells = StepCells::Weights; break;
    }
  }
  // The last step's result is the layer's output, whose cells are what the mask let through:
  // show them even for a trace whose steps declare no values (an audited module's steps are data
  // movement only), so its leaks are drawn at the end.
  if (cells == StepCells::Pattern && !steps.empty() && index >= static_cast<int>(steps.size()) - 1)
    cells = StepCells::Weights;
  return cells;
}

CellsDrawn cells_drawn(StepCells cells, bool values_computed) {
  if (cells == StepCells::Pattern) return CellsDrawn::Pattern;
  if (!values_computed) return CellsDrawn::Allowed;
  return cells == StepCells::Weights ? CellsDrawn::Weights : CellsDrawn::Scores;
}

std::string allowed_cells_label(StepCells cells) {
  const char* values = cells == StepCells::Weights ? "weights" : "scores";
  return std::string("allowed (") + values + " not computed at this size)";
}

bool step_shows_leaks(StepCells cells) { return cells == StepCells::MaskedScores || cells == StepCells::Weights; }

const char* masked_cells_label(StepCells cells) {
  switch (cells) {
    case StepCells::Pattern: return "masked";
    case StepCells::Scores: return "not computed";
    case StepCells::MaskedScores: return "masked (\u2212\u221e)";
    case StepCells::Weights: return "masked (weight 0)";
  }
  return "masked";
}

std::vector<float> step_scores(const Analysis& a, int head) {
  const int n = a.n();
  if (n > kStepScoresMaxN) return {};
  std::vector<float> scores(static_cast<size_t>(n) * n, std::numeric_limits<float>::quiet_NaN());
  if (a.build.frame) {
    const HeadFrame& frame = a.build.frame->heads[head];
    for (int s = 0; s < frame.segment_count(); ++s) {
      const std::vector<float> block = segment_scores(a.qkv, frame, 0, head, s);
      const int begin = frame.segment_begin(s);
      const int length = frame.segment_end(s) - begin;
      for (int i = 0; i < length; ++i)
        for (int j = 0; j < length; ++j)
          scores[static_cast<size_t>(frame.token_at_slot[begin + i]) * n + frame.token_at_slot[begin + j]] =
              block[static_cast<size_t>(i) * length + j];
    }
    return scores;
  }
  HeadFrame identity;
  identity.token_at_slot.resize(n);
  for (int t = 0; t < n; ++t) identity.token_at_slot[t] = t;
  identity.slot_of_token = identity.token_at_slot;
  identity.segment_starts = {0};
  return segment_scores(a.qkv, identity, 0, head, 0);
}

WeightScale step_score_scale(const Analysis& analysis) {
  std::vector<const std::vector<float>*> scores;
  if (analysis.has_values())  // a structure-only analysis draws no scores
    for (int h = 0; h < analysis.heads(); ++h) scores.push_back(&analysis.attention.head(0, h).scores);
  return score_scale(scores);
}

}  // namespace attnscope
