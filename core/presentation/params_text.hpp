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

// How every view names a model stack's layer (the CLI's per-layer lines and JSON, the GUI strip,
// the figure's headers): variant_params_text of the layer's analysis, with " (heads of their own)"
// when some of its heads follow another stack entry.
std::string stack_layer_text(const Analysis& layer);

// Columns UTF-8 text takes in a terminal: one per code point ("·" and "−" take one).
int text_columns(const std::string& text);

// `text` cut to at most `width` characters (code points) at its last " · " that fits, with " …"
// after it, so a long layer name keeps whole parameters; unchanged when it already fits.
std::string text_fitted(const std::string& text, int width);

}  // namespace attnscope
