#pragma once
// Lint of a model's per-layer masks against its stack: the class of bug where a sliding window
// lands on the wrong layers (missing on local layers, or applied to global ones).
#include <string>
#include <vector>

#include "core/cells/row_runs.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

struct StackLintFinding {
  int layer = 0;
  int head = -1;  // -1: every head of the layer
  std::string text;  // "layer 3 has no window: every earlier key is readable, expected window 8"
};

// masks[l][h]: layer l's head h as an N x N set. `scene` names the stack (scene.stack) and its
// shared keys; n and heads come from the masks, the layer count too. Throws SceneError when the
// masks do not form a model (no layers, heads or sizes that differ).
std::vector<StackLintFinding> stack_lint(Scene scene, const std::vector<std::vector<RowRuns>>& masks);

}  // namespace attnscope
