#pragma once
// Large counts with thousands separators ("1,048,576 leaks"), the same in the GUI, the captions
// and the axis ticks, so a reader never has to count digits.
#include <cstdint>
#include <string>

namespace attnscope {

std::string digits_grouped(int64_t value);

}  // namespace attnscope
