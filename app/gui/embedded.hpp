#pragma once
// Files embedded into the binary at build time by cmake/embed_file.cmake.
#include <string_view>

namespace attnscope::embedded {
extern const std::string_view kFontSans;  // DejaVuSans.ttf
extern const std::string_view kFontMono;  // DejaVuSansMono.ttf
}  // namespace attnscope::embedded
