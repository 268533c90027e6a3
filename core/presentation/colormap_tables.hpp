#pragma once
#include <array>
#include <cstdint>

namespace attnscope {

struct Rgb8 {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb8&) const = default;
};

extern const std::array<Rgb8, 256> kViridisTable;
extern const std::array<Rgb8, 256> kMagmaTable;
extern const std::array<Rgb8, 256> kCividisTable;

}  // namespace attnscope
