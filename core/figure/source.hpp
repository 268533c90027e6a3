#pragma once
// The text every figure file embeds: its scene and the options it was drawn with, as one JSON
// object, so `export --from FILE` can draw the same figure again.
#include <string>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"

namespace attnscope::figure {

// ASCII-only JSON (non-ASCII escaped), safe for PNG tEXt, PDF strings and GIF comments.
std::string source_json(const Scene& scene, const FigureOptions& options);
// Throws SceneError when the text is not an attnscope figure source.
FigureSource source_parse(const std::string& json);

}  // namespace attnscope::figure
