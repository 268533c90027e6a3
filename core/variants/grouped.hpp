#pragma once
// What the LongLoRA family (short, s2 and its fixes) shares: group validation, the frame of the
// shifted heads, and the step trace of Algorithm 1.
#include "core/scene/frame.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

// N divisible by G and G ≤ N (unless `partial_last_group`, the SFT path: any N, and G may
// exceed N), G even unless a shift is given; with `splits_heads`, H even.
void grouped_validate(const Scene& scene, bool splits_heads, bool partial_last_group = false);

bool grouped_is_shifted_head(const Scene& scene, int head);  // h ≥ H/2

// Unshifted heads: groups of G in token order. Shifted heads: rolled by the scene's shift.
FrameLayout grouped_frame_rolled(const Scene& scene, SegmentRule shifted_rule);

// Segment starts of the shifted heads in LongLoRA's flash path (cu_seqlens without a roll):
// [0, s, s+G, ...] below n. With n not a multiple of G these are the SFT file's boundaries.
std::vector<int> grouped_split_boundaries(int n, int g, int s);

// Masks from the frame, one per head; heads with the same layout share one mask.
std::vector<RowRuns> grouped_masks(const FrameLayout& frame);

// Per head, output position -> query token after rolling back by `unroll`: identity when
// unroll = -shift; for odd G the code's floor division makes each position get its neighbour's.
std::vector<std::vector<int>> grouped_output_query(const Scene& scene, int unroll);

// Algorithm 1's twelve steps: input, chunk, roll, concat, group-reshape, scores, mask, softmax,
// weighted-sum, ungroup, unroll, output. `mask_code` is the line that builds the group mask.
Trace grouped_trace_rolled(const Scene& scene, const FrameLayout& frame, const std::string& mask_code,
                           int unroll);

}  // namespace attnscope
