#include "core/scene/frame.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace attnscope {

int HeadFrame::segment_of_slot(int slot) const {
  const auto it = std::upper_bound(segment_starts.begin(), segment_starts.end(), slot);
  return static_cast<int>(it - segment_starts.begin()) - 1;
}

int HeadFrame::segment_end(int segment) const {
  return segment + 1 < segment_count() ? segment_starts[segment + 1]
                                       : static_cast<int>(token_at_slot.size());
}

std::vector<int> segments_equal(int n, int size) {
  std::vector<int> starts;
  for (int s = 0; s < n; s += size) starts.push_back(s);
  return starts;
}

std::vector<int> frame_group_boundaries(const HeadFrame& frame) {
  std::vector<int> out;
  if (frame.segment_count() < 2) return out;
  const int n = static_cast<int>(frame.slot_of_token.size());
  for (int t = 1; t < n; ++t)
    if (frame.segment_of_slot(frame.slot_of_token[t]) != frame.segment_of_slot(frame.slot_of_token[t - 1]))
      out.push_back(t);
  return out;
}

std::vector<int> boundaries_every(int n, int size) {
  std::vector<int> out;
  for (int t = size; t < n; t += size) out.push_back(t);
  return out;
}

HeadFrame frame_rolled(int n, int shift, const std::vector<int>& segment_starts,
                       SegmentRule rule) {
  HeadFrame frame;
  frame.token_at_slot.resize(n);
  frame.slot_of_token.resize(n);
  for (int t = 0; t < n; ++t) {
    const int slot = ((t + shift) % n + n) % n;
    frame.slot_of_token[t] = slot;
    frame.token_at_slot[slot] = t;
  }
  frame.segment_starts = segment_starts;
  frame.rule = rule;
  return frame;
}

namespace {

// Maximal slot ranges that hold consecutive tokens: a roll gives at most two, so a row's keys
// (a slot range) become a handful of token runs without visiting each key.
struct SlotRun {
  int slot_begin, slot_end, token_begin;
};

std::vector<SlotRun> slot_runs(const HeadFrame& frame) {
  std::vector<SlotRun> out;
  const int n = static_cast<int>(frame.token_at_slot.size());
  for (int slot = 0; slot < n; ++slot) {
    const int t = frame.token_at_slot[slot];
    if (!out.empty() && out.back().slot_end == slot &&
        out.back().token_begin + (slot - out.back().slot_begin) == t) {
      ++out.back().slot_end;
    } else {
      out.push_back({slot, slot + 1, t});
    }
  }
  return out;
}

}  // namespace

RowRuns frame_head_mask(const HeadFrame& frame) {
  const int n = static_cast<int>(frame.token_at_slot.size());
  const std::vector<SlotRun> pieces = slot_runs(frame);
  RowRuns mask(n, n);
  std::vector<Run> runs;
  for (int q = 0; q < n; ++q) {
    const int q_slot = frame.slot_of_token[q];
    const int segment = frame.segment_of_slot(q_slot);
    const int begin = frame.segment_begin(segment);
    const int end = frame.rule == SegmentRule::FrameCausal ? q_slot + 1 : frame.segment_end(segment);
    runs.clear();
    auto piece = std::upper_bound(pieces.begin(), pieces.end(), begin,
                                  [](int slot, const SlotRun& p) { return slot < p.slot_begin; }) - 1;
    for (; piece != pieces.end() && piece->slot_begin < end; ++piece) {
      const int lo = std::max(begin, piece->slot_begin), hi = std::min(end, piece->slot_end);
      int first = piece->token_begin + (lo - piece->slot_begin);
      int last = piece->token_begin + (hi - piece->slot_begin);  // one past
      if (frame.rule == SegmentRule::TokenCausal) last = std::min(last, q + 1);
      if (first < last) runs.push_back({first, last});
    }
    mask.append_row(runs);
  }
  return mask;
}

bool frame_same_layout(const HeadFrame& a, const HeadFrame& b) {
  return a.rule == b.rule && a.segment_starts == b.segment_starts && a.token_at_slot == b.token_at_slot;
}

RowRuns frame_view(const HeadFrame& frame, const RowRuns& mask) {
  const int n = mask.rows();
  RowRuns view(n, n);
  std::vector<int32_t> slots;
  for (int slot = 0; slot < n; ++slot) {
    const int q = frame.token_at_slot[slot];
    slots.clear();
    for (const Run r : mask.row(q))
      for (int k = r.begin; k < r.end; ++k) slots.push_back(frame.slot_of_token[k]);
    view.append_row_from_columns(slots);
  }
  return view;
}

std::string frame_explain_cell(const HeadFrame& frame, int q, int k) {
  const int q_slot = frame.slot_of_token[q];
  const int k_slot = frame.slot_of_token[k];
  const int q_group = frame.segment_of_slot(q_slot);
  const int k_group = frame.segment_of_slot(k_slot);
  const std::string where = fmt::format(
      "query {} sits in frame slot {} (group {}, offset {}), key {} in frame slot {} ({}group {}, "
      "offset {})",
      q, q_slot, q_group, q_slot - frame.segment_begin(q_group), k, k_slot,
      q_group == k_group ? "the same " : "", k_group, k_slot - frame.segment_begin(k_group));
  if (q_group != k_group) return where + "; the groups differ, so the mask does not allow it";
  if (frame.rule == SegmentRule::FrameCausal) {
    if (k > q && k_slot <= q_slot)
      return where + fmt::format("; the causal mask compared frame slots ({} <= {}), not tokens "
                                 "({} > {})",
                                 k_slot, q_slot, k, q);
    return where + fmt::format("; the causal mask compared frame slots ({} {} {})", k_slot,
                               k_slot <= q_slot ? "<=" : ">", q_slot);
  }
  return where + fmt::format("; the mask compared original tokens ({} {} {})", k,
                             k <= q ? "<=" : ">", q);
}

}  // namespace attnscope
