#pragma once
// The outline of a rolled head's wrapped group, drawn by every figure and by the live heatmap from
// this one rule: the group that holds both token 0 and token N−1, tokens [0, early) and [late, N),
// seen in original coordinates as four corner pieces of the matrix.
#include <optional>
#include <vector>

#include "core/analysis/analysis.hpp"

namespace attnscope {

struct WrappedSpan {
  int early = 0, late = 0;
};
// Empty when the head has no such group (not rolled, or one group holds every token).
std::optional<WrappedSpan> head_wrapped_span(const Analysis& analysis, int head);

// Cells [row_begin, row_end) × [col_begin, col_end) in the positions a heatmap draws.
struct CellBox {
  int row_begin = 0, row_end = 0, col_begin = 0, col_end = 0;
  bool operator==(const CellBox&) const = default;
};
// The wrapped group's outline: in original coordinates its four corner pieces; in frame slots
// (`frame_slots`, the GUI's rolled view) the one square its slots make.
std::vector<CellBox> wrapped_group_boxes(const Analysis& analysis, int head, bool frame_slots = false);

}  // namespace attnscope
