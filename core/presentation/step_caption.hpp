#pragma once
// Captions computed from the analysis, so they always describe the scene on screen: which heads
// are shifted, which tokens the wrapped group holds, how many cells leak (or that none do).
// A scene's hand-written captions are only right for the scene they were written for.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/presentation/glossary.hpp"

namespace attnscope {

// Per shifted head: the tokens of every group that wraps around the end of the sequence, in frame
// order (s2, N = 16, G = 4, head 1: {14, 15, 0, 1}).
struct WrappedGroup {
  int head = 0;
  std::vector<int> tokens;
};
std::vector<WrappedGroup> wrapped_groups(const Analysis& analysis);
// The same for one head (none when the head is not shifted).
std::vector<WrappedGroup> wrapped_groups(const Analysis& analysis, int head);

// Heads whose frame is not the identity (rolled, or otherwise reordered).
std::vector<int> shifted_heads(const Analysis& analysis);

// What every front end shows for a step (the GUI, the storyboard and token figures, the GIF and
// `steps`), from this one rule.
struct StepText {
  // The scene's hand-written caption while the scene is the one it was written for
  // (scene_captions_apply), else the step's explanation followed by what this scene shows there.
  std::string caption;
  std::string why;  // why the step exists; empty when the step needs no reason
  std::vector<const GlossaryTerm*> terms;  // glossary terms the caption and the why-line use
};
StepText step_text(const Analysis& analysis, int step);

// Steps are numbered from 0, as `attnscope steps` and `--step K` count them, out of the last
// step's number: "Step 2 / 11" in the GUI's header, the token figure, the GIF and the slides;
// the storyboard's small panels use step_number_short ("2 · roll").
std::string step_number_text(int step, int count);
std::string step_number_short(int step, const std::string& name);

}  // namespace attnscope
