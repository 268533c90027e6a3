#pragma once
// How far apart two colours are (sum of channel differences): figure and screenshot tests compare
// pixels with the colour table through it, each with a tolerance that says what may blend.
#include <cstdlib>

#include "core/presentation/colormap.hpp"

namespace attnscope::test {

inline int color_distance(Rgb8 a, Rgb8 b) {
  return std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b);
}

}  // namespace attnscope::test
