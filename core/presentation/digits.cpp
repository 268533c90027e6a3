#include "core/presentation/digits.hpp"

namespace attnscope {

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
