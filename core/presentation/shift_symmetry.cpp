#include "core/presentation/shift_symmetry.hpp"

#include "core/scene/frame.hpp"

namespace attnscope {

namespace {

ShiftGroups groups_of(const HeadFrame& frame, int shift) {
  ShiftGroups out;
  out.shift = shift;
  for (int s = 0; s < frame.segment_count(); ++s)
    out.rows.emplace_back(frame.token_at_slot.begin() + frame.segment_begin(s),
                          frame.token_at_slot.begin() + frame.segment_end(s));
  return out;
}

}  // namespace

ShiftSymmetry shift_symmetry(int n, int g, int shift_a, int shift_b) {
  const HeadFrame fa = frame_rolled(n, shift_a, segments_equal(n, g), SegmentRule::FrameCausal);
  const HeadFrame fb = frame_rolled(n, shift_b, segments_equal(n, g), SegmentRule::FrameCausal);
  ShiftSymmetry out;
  out.a = groups_of(fa, shift_a);
  out.b = groups_of(fb, shift_b);
  out.same_groups = true;
  for (const std::vector<int>& row : out.a.rows) {
    int twin = -1;
    for (size_t j = 0; j < out.b.rows.size(); ++j)
      if (out.b.rows[j] == row) twin = static_cast<int>(j);
    out.row_in_b.push_back(twin);
    out.same_groups &= twin >= 0;
  }
  const RowRuns ma = frame_head_mask(fa), mb = frame_head_mask(fb);
  out.mask_difference = ma.count() + mb.count() - 2 * runs_intersection(ma, mb).count();
  return out;
}

}  // namespace attnscope
