#pragma once
// What a heatmap shows at each step of the trace, so the step-debugger debugs every step: before
// the scores exist only the pattern to come, then the raw scores, then the masked scores, then
// the weights.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/presentation/weight_scale.hpp"

namespace attnscope {

enum class StepCells {
  Pattern,       // nothing computed yet: which cells the variant will compute
  Scores,        // QKᵀ/√D of every cell the variant computes, before the mask
  MaskedScores,  // the same with the masked cells at -inf
  Weights,       // softmax of the masked scores (and every step after it)
};

// For step `index` of the analysis' trace.
StepCells step_cells(const Analysis& analysis, int index);

// What a heatmap draws for a step, on screen and in figures: the step's values on their scale when
// they are computed, else (an analysis that holds only the structure) the allowed cells in the
// theme's neutral `allowed` grey with a legend entry of their own (allowed_cells_label), never a
// structure drawn in a value scale.
enum class CellsDrawn {
  Pattern,  // the cells the scores step will compute
  Scores,   // raw or masked scores on the diverging scale
  Weights,  // weights on the colormap
  Allowed,  // the allowed cells alone: the step's values are not computed
};
CellsDrawn cells_drawn(StepCells cells, bool values_computed);
// The legend's words for CellsDrawn::Allowed at this step: what the cells are and what is missing.
std::string allowed_cells_label(StepCells cells);

// Whether a step's heatmap judges cells against the policy: leaks exist once the mask does.
bool step_shows_leaks(StepCells cells);

// The legend's name for the grey cells of a step, on screen and in figures: at the scores step
// they are the cells no group computes; inside a group the masked cells are computed and then
// set to −∞, so from the mask on they are "masked", never "never computed".
const char* masked_cells_label(StepCells cells);

// Raw scores (batch 0) of every cell the `scores` step computes in `head`, in original
// coordinates as an N×N row-major matrix, NaN where nothing is computed: for variants with a
// frame each group's full block before the mask, for the others every cell. Empty above
// kStepScoresMaxN tokens (an N×N matrix would not fit); callers then use the allowed cells' scores.
// A plain vector, not an Eigen matrix: the core may be built with other SIMD flags than its callers,
// and Eigen objects must not cross that boundary (their allocations are aligned differently).
inline constexpr int kStepScoresMaxN = 2048;
std::vector<float> step_scores(const Analysis& analysis, int head);

// The diverging scale of the score steps, on screen and in figures: the largest |score| of an
// allowed cell over every head of batch 0, so a colour means the same score in every head.
WeightScale step_score_scale(const Analysis& analysis);

}  // namespace attnscope
