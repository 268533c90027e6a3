#pragma once
// A step's tensor shape in words, the one rule behind the GUI's step header and `attnscope steps`:
// every axis as a size with its unit ("4 groups"), led by the scene's symbol when the size is one
// the scene names ("B·N/G = 4 groups, G = 4 tokens, 3 (q, k, v), H = 2 heads, D = 8").
#include <string>

#include "core/scene/scene.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

std::string step_shape_text(const Step& step, const Scene& scene);

}  // namespace attnscope
