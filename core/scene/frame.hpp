#pragma once
// How a grouped variant lays tokens out before attending: per head, which original token sits
// in each frame slot, how the frame is cut into independent segments (the groups), and which
// comparison the in-segment causal mask makes. The mask, the trace, the grouped attention and
// the leak explanations are all derived from this one description.
#include <string>
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

enum class SegmentRule {
  FrameCausal,  // key slot <= query slot: what a causal mask applied after the roll compares
  TokenCausal,  // original key <= original query: causal by token index inside the group
};

struct HeadFrame {
  std::vector<int> token_at_slot;   // frame slot -> original token
  std::vector<int> slot_of_token;   // original token -> frame slot
  std::vector<int> segment_starts;  // ascending slot indices, first is 0; the last ends at N
  SegmentRule rule = SegmentRule::FrameCausal;

  int segment_of_slot(int slot) const;
  int segment_begin(int segment) const { return segment_starts[segment]; }
  int segment_end(int segment) const;
  int segment_count() const { return static_cast<int>(segment_starts.size()); }
};

struct FrameLayout {
  int n = 0;
  std::vector<HeadFrame> heads;
};

// torch.roll(x, shift) along the token axis: token t lands in slot (t + shift) mod n.
HeadFrame frame_rolled(int n, int shift, const std::vector<int>& segment_starts,
                       SegmentRule rule);
std::vector<int> segments_equal(int n, int size);

// Tokens t > 0 that sit in another segment than token t - 1, in original order: where a figure
// draws a group boundary. A rolled frame's wrapped group gives a boundary at each of its ends.
std::vector<int> frame_group_boundaries(const HeadFrame& frame);
// Every multiple of `size` in (0, n): the boundaries of blocks of `size` tokens.
std::vector<int> boundaries_every(int n, int size);

// The allowed cells of a head in original coordinates, built from runs of slots: the cost grows
// with the number of row runs, not with the cells.
RowRuns frame_head_mask(const HeadFrame& frame);
// Same tokens in the same slots, cut and masked the same way: the heads share one mask.
bool frame_same_layout(const HeadFrame& a, const HeadFrame& b);

// The same cells seen in the frame: (slot of q, slot of k) for every allowed (q, k). In the
// frame a grouped variant's mask is block-diagonal, which is what the group-reshape computes.
RowRuns frame_view(const HeadFrame& frame, const RowRuns& mask);

// Why the frame allowed (q, k): which slots and group each token sits in and what the mask
// compared. Used for every leak of a grouped variant.
std::string frame_explain_cell(const HeadFrame& frame, int q, int k);

}  // namespace attnscope
