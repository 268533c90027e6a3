#pragma once
// GLSL sources from shaders/, embedded at build time (cmake/embed_file.cmake).
#include <string_view>

namespace attnscope::embedded {
extern const std::string_view kHeatmapVert;  // shaders/heatmap.vert
extern const std::string_view kHeatmapFrag;  // shaders/heatmap.frag
}  // namespace attnscope::embedded
