#pragma once
// Large counts with thousands separators ("1,048,576 leaks"), the same in the GUI, the captions
// and the axis ticks, so a reader never has to count digits.
#include <cstdint>
#include <string>

namespace attnscope {

std::string digits_grouped(int64_t value);
// The counts in prose grouped by that rule, so a caption, a formula or a table cell reads like the
// numbers beside it: "groups of G = 2048" reads "groups of G = 2,048". A run of digits that is part
// of something else (a decimal, a grouped number, a name such as "fp16") stays as it is.
std::string counts_grouped(const std::string& text);

// The distance between axis ticks: 1, 2 or 5 times a power of ten, giving about `count` ticks
// from 0 up to `top` (the lab's loss and step axes in the figure and the GUI).
double axis_tick_step(double top, int count);
// A tick's label: whole numbers without a decimal point, others as short as they read exactly.
std::string axis_tick_text(double value);

}  // namespace attnscope
