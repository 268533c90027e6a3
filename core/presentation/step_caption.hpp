#pragma once
// Captions computed from the analysis, so they always describe the scene on screen: which heads
// are shifted, which tokens the wrapped group holds, how many cells leak (or that none do).
// A scene's hand-written captions are only right for the scene they were written for.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"

namespace attnscope {

// Per shifted head: the tokens of every group that wraps around the end of the sequence, in frame
// order (s2, N = 16, G = 4, head 1: {14, 15, 0, 1}).
struct WrappedGroup {
  int head = 0;
  std::vector<int> tokens;
};
std::vector<WrappedGroup> wrapped_groups(const Analysis& analysis);

// Heads whose frame is not the identity (rolled, or otherwise reordered).
std::vector<int> shifted_heads(const Analysis& analysis);

// The step's explanation followed by what this scene shows at that step.
std::string step_caption(const Analysis& analysis, int step);

}  // namespace attnscope
