#pragma once
// What a model stack's receptive field says in words, the same in the terminal, the figure and
// the GUI.
#include <string>

#include "core/reach/reach.hpp"

namespace attnscope {

// "every query reads its whole prefix after layer 5 (6 of 62 layers)", or, when it never does,
// "after all 62 layers 40 of 64 queries read their whole prefix".
std::string stack_whole_prefix_text(const StackReach& reach, int n);

// After layer `layer` (from 0): "after layer 3 every query reads its whole prefix" or
// "after layer 3 40 of 64 queries read their whole prefix [0, q]".
std::string stack_layer_prefix_text(const StackReach& reach, int layer, int n);

}  // namespace attnscope
