#include "core/presentation/digits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace attnscope {

double axis_tick_step(double top, int count) {
  const double raw = top / std::max(1, count);
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * power >= raw) return m * power;
  return 10 * power;
}

std::string axis_tick_text(double value) {
  return std::abs(value - std::round(value)) < 1e-9 ? fmt::format("{:.0f}", value) : fmt::format("{:g}", value);
}

std::string digits_grouped(int64_t value) {
  const bool negative = value < 0;
  // Unsigned, so the most negative value has a magnitude too.
  uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string out;
  int digits = 0;
  do {
    if (digits > 0 && digits % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
    ++digits;
  } while (magnitude > 0);
  return negative ? "-" + out : out;
}

}  // namespace attnscope
