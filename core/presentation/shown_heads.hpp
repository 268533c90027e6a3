#pragma once
// Which heads a view with room for a few matrices draws. With 32 heads and room for 8, the first
// 8 would all be LongLoRA's unshifted heads and hide every leak: leaking heads get half the room.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"

namespace attnscope {

// All heads when they fit `limit`; otherwise, in head order, the first clean heads and the first
// leaking heads, half the room each when both kinds exist.
std::vector<int> shown_heads(const Analysis& a, int limit);

// The heads not in `shown` as ranges: "4-15, 20-31"; empty when every head is shown.
std::string hidden_heads_text(int heads, const std::vector<int>& shown);

}  // namespace attnscope
