#pragma once
// Where the scene on screen comes from, in the window title.
#include <string>

#include "core/scene/scene.hpp"

namespace attnscope {

// "attnscope: s2, N = 16, H = 2 · q, k, v from layer3.safetensors" (or "· seed 0").
std::string window_title(const Scene& scene);

}  // namespace attnscope
