#pragma once
// The one token motion and colour model: where every (token, head) cell of a step's token grid
// sits between two steps, and its colour. A pure function of (step a, step b, t): cells are
// matched by provenance (the same original token in the same head), so every variant's trace
// animates without code of its own. The GUI's token grid and the exported storyboard and GIF
// both draw from it, so they move and colour tokens identically.
#include <optional>
#include <vector>

#include "core/presentation/colormap.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

struct TokenPose {
  int token = 0;
  int head = 0;
  int group = -1;   // the group in the destination step, -1 when not grouped
  float col = 0.f;  // grid units: heads, plus a gap between the halves of chunked heads
  float row = 0.f;  // grid units: rows, plus a gap between groups; may leave [0, rows) mid-wrap
  // Mid-wrap only (a roll in progress): the copy re-entering at the other edge, so a token that
  // slides out of the top is seen coming in at the bottom. Never set at rest (t = 0 or 1).
  std::optional<float> wrap_row;
};

inline constexpr float kChunkGap = 0.6f;  // columns between the two halves of chunked heads
inline constexpr float kGroupGap = 0.35f; // rows between consecutive groups

// One sequence of the batch (the GUI shows batch 0).
std::vector<TokenPose> token_poses(const Step& step, int batch = 0);
// t in [0, 1]; eased. Rows move the short way around, so a roll slides and wraps instead of
// sweeping tokens across the whole grid.
std::vector<TokenPose> token_poses_between(const Step& a, const Step& b, float t, int batch = 0);
// The smoothstep easing of every tween: starts and lands gently.
float token_motion_ease(float t);

// The colour of original token `token` of `n`, kept wherever it moves: its position along the
// sequence on one ordered ramp (cividis, dark blue for the first tokens to yellow for the last), so
// in a wrapped group such as [14 15 0 1] the sequence's two ends never share a colour. The GUI's
// token grid, the token figure, the storyboard, the GIF and the slides all colour by this rule.
Rgb8 token_color(int token, int n);

// Column of a head at t (the left edge of its cells, in grid units).
float token_grid_column(const Step& a, const Step& b, int head, float t);
// Grid extent in grid units at the same t (columns, rows including gaps).
float token_grid_cols(const Step& a, const Step& b, float t);
float token_grid_rows(const Step& a, const Step& b, float t);

}  // namespace attnscope
