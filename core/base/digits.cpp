#include "core/base/digits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
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

std::string counts_grouped(const std::string& text) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  const auto word = [&](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || digit(c); };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!digit(text[i])) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && digit(text[end])) ++end;
    const bool joined_before = i > 0 && (word(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == ',');
    const bool joined_after = end < text.size() && (std::isalpha(static_cast<unsigned char>(text[end])) ||
                                                    ((text[end] == '.' || text[end] == ',') && end + 1 < text.size() &&
                                                     digit(text[end + 1])));
    const std::string run = text.substr(i, end - i);
    out += end - i >= 4 && end - i <= 18 && !joined_before && !joined_after && run[0] != '0' ? digits_grouped(std::stoll(run)) : run;
    i = end;
  }
  return out;
}

}  // namespace attnscope
