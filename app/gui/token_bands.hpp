#pragma once
// Token grids too tall for one cell per row: a head's rows become bands of consecutive rows whose
// tokens share a group, coloured by that group. Colouring each pixel row by its token would
// repeat the category colours every few rows and alias into moiré.
#include <vector>

#include "core/analysis/analysis.hpp"

namespace attnscope {

struct TokenBand {
  int row_begin = 0, row_end = 0;      // memory rows of the step, [begin, end)
  int group = 0;                       // the token's group in the variant's frame
  int first_token = 0, last_token = 0; // tokens held in the first and the last row
};

// The group a token belongs to for the whole trace: its frame segment, so a band's colour follows
// its tokens through a roll. Variants without a frame fall back to eight equal token ranges.
int token_band_group(const Analysis& analysis, int head, int token);

// Batch 0 of `step`, head `head`.
std::vector<TokenBand> token_bands(const Analysis& analysis, const Step& step, int head);

// Every head's bands of one step, as the grid draws them; reports each head to the thread's
// ProgressScope (a job's progress, and where its cancel lands).
using StepBands = std::vector<std::vector<TokenBand>>;
StepBands step_token_bands(const Analysis& analysis, const Step& step);

// Whether a step's bands are found where the grid is drawn (up to 65,536 token cells, well under
// a millisecond); a larger step's are found once by a job (ComputeTokenBands) and kept.
bool token_bands_in_frame(const Step& step);

}  // namespace attnscope
