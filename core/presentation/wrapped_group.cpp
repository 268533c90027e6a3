#include "core/presentation/wrapped_group.hpp"

namespace attnscope {

std::optional<WrappedSpan> head_wrapped_span(const Analysis& analysis, int head) {
  if (!analysis.build.frame) return std::nullopt;
  const HeadFrame& f = analysis.build.frame->heads[head];
  const int n = analysis.n();
  const int seg = f.segment_of_slot(f.slot_of_token[0]);
  if (n < 2 || seg != f.segment_of_slot(f.slot_of_token[n - 1])) return std::nullopt;
  WrappedSpan w;
  while (w.early < n && f.segment_of_slot(f.slot_of_token[w.early]) == seg) ++w.early;
  w.late = n;
  while (w.late > w.early && f.segment_of_slot(f.slot_of_token[w.late - 1]) == seg) --w.late;
  if (w.early >= w.late) return std::nullopt;  // one segment holds everything: nothing wraps
  return w;
}

std::vector<CellBox> wrapped_group_boxes(const Analysis& analysis, int head, bool frame_slots) {
  const auto w = head_wrapped_span(analysis, head);
  if (!w) return {};
  if (frame_slots) {
    const HeadFrame& f = analysis.build.frame->heads[head];
    const int seg = f.segment_of_slot(f.slot_of_token[0]);
    const int begin = f.segment_begin(seg), end = f.segment_end(seg);
    return {{begin, end, begin, end}};
  }
  const int n = analysis.n();
  std::vector<CellBox> boxes;
  for (const auto& [r0, r1] : {std::pair{0, w->early}, std::pair{w->late, n}})
    for (const auto& [c0, c1] : {std::pair{0, w->early}, std::pair{w->late, n}}) boxes.push_back({r0, r1, c0, c1});
  return boxes;
}

}  // namespace attnscope
