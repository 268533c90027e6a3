#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/scene/frame.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

TEST(FrameView, S2InItsFrameIsTheShortPattern) {
  // After the roll, S2's shifted head is plain block-diagonal causal attention in frame slots:
  // the leak only appears when the cells are mapped back to original tokens.
  for (int n : {8, 16, 32}) {
    const auto a = analyze(test::test_scene({.n = n}));
    const auto b = analyze(test::test_scene({.variant = "short", .n = n}));
    for (int h = 0; h < 2; ++h)
      EXPECT_EQ(frame_view(a->build.frame->heads[h], a->mask(h)), b->mask(h)) << "n=" << n << " h=" << h;
  }
}

TEST(FrameView, FixMaskInItsFrameIsNotBlockCausal) {
  const auto a = analyze(test::test_scene({.variant = "s2-fix-mask"}));
  const RowRuns view = frame_view(a->build.frame->heads[1], a->mask(1));
  // Slot 12 holds token 14 and slot 14 holds token 0: the original-index mask lets token 14
  // read token 0 (slot 12 reads slot 14), a cell above the frame's diagonal.
  EXPECT_TRUE(view.contains(12, 14));
  EXPECT_FALSE(view.contains(14, 12));
}

TEST(FrameExplain, NamesSlotsGroupsAndTheComparison) {
  const auto a = analyze(Scene{});
  EXPECT_EQ(a->leak_explanation(1, 1, 15),
            "head 1: key 15 comes after query 1, and the causal policy forbids looking ahead; "
            "query 1 sits in frame slot 15 (group 3, offset 3), key 15 in frame slot 13 (the same "
            "group 3, offset 1); the causal mask compared frame slots (13 <= 15), not tokens "
            "(15 > 1)");
}

TEST(SparseAttention, RowsWithNoAllowedKeyAreZeroNotNaN) {
  const Scene s = test::test_scene({.n = 4, .heads = 1});
  const Qkv qkv = qkv_generate(s);
  RowRuns mask(4, 4);
  mask.append_row({{0, 1}});
  mask.append_row({});
  mask.append_row({{0, 3}});
  mask.append_row({{3, 4}});
  const AttentionResult r = attention_sparse(qkv, {mask});
  ASSERT_EQ(r.empty_rows.size(), 1u);
  EXPECT_EQ(r.empty_rows[0], (std::array<int, 3>{0, 0, 1}));
  for (int i = 0; i < s.d; ++i) EXPECT_EQ(r.output_at(0, 1, 0, i), 0.f);
  // Row 0 reads only key 0: its output is v[0] exactly.
  for (int i = 0; i < s.d; ++i) EXPECT_FLOAT_EQ(r.output_at(0, 0, 0, i), qkv.row(0, 0, Qkv::V, 0)[i]);
  EXPECT_EQ(r.head(0, 0).weights.size(), 5u);
}

}  // namespace
}  // namespace attnscope
