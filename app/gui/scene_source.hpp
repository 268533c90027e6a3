#pragma once
// Where the scene on screen comes from, in words: the scene panel and the window title say it.
#include <string>

#include "core/scene/scene.hpp"

namespace attnscope {

// "q, k, v from layer3.safetensors", or "q, k, v generated (seed 0)".
std::string qkv_source_text(const Scene& scene);

// "attnscope: s2, N = 16, H = 2 · q, k, v from layer3.safetensors".
std::string window_title(const Scene& scene);

}  // namespace attnscope
