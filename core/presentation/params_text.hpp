#pragma once
// How views and figures name a variant with the parameters that shaped its mask (shaping_params):
// the figures' subtitles, a model stack's layer headers and its strip in the GUI.
#include <string>

#include "core/analysis/analysis.hpp"

namespace attnscope {

// " · G=4 · shift −2 · window=4": each parameter that shaped the mask, after a " · ".
std::string shaping_params_tail(const Analysis& analysis);

// The variant and that tail: "window · window=4", "full".
std::string variant_params_text(const Analysis& analysis);

}  // namespace attnscope
