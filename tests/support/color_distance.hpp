#pragma once
// How far apart two colours are (sum of channel differences): figure and screenshot tests compare
// pixels with the colour table through it, each with a tolerance that says what may blend. And how
// well one reads on the other (WCAG 2's contrast ratio), written here from the standard's formula.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/presentation/colormap.hpp"

namespace attnscope::test {

inline int color_distance(Rgb8 a, Rgb8 b) {
  return std::abs(a.r - b.r) + std::abs(a.g - b.g) + std::abs(a.b - b.b);
}

// From 1 (no contrast) to 21 (black on white); WCAG asks 3 for lines and large type.
inline double contrast_ratio(Rgb8 a, Rgb8 b) {
  const auto luminance = [](Rgb8 c) {
    const auto linear = [](int v) {
      const double s = v / 255.0;
      return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
  };
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace attnscope::test
