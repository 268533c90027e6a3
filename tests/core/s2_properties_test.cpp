// Invariants of the S2 family over a sweep of (N, G, H, shift, B), checked against facts that do
// not depend on how the core builds its masks.
#include <gtest/gtest.h>

#include <set>

#include "core/analysis/analysis.hpp"
#include "core/scene/frame.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

struct Shape {
  int n, g, heads, batch;
};

const std::vector<Shape> kShapes = {{8, 2, 2, 1},  {16, 4, 2, 1},  {16, 8, 2, 2}, {32, 8, 4, 1},
                                    {64, 16, 2, 3}, {48, 12, 6, 1}, {128, 32, 2, 1}};

Scene scene_for(const std::string& variant, const Shape& s, std::optional<int> shift = {}) {
  return test::test_scene(
      {.variant = variant, .n = s.n, .heads = s.heads, .batch = s.batch, .g = s.g, .shift = shift});
}

std::string describe(const Scene& s) {
  return s.variant + " n=" + std::to_string(s.n) + " g=" + std::to_string(s.g) +
         " h=" + std::to_string(s.heads) + " b=" + std::to_string(s.batch) +
         " shift=" + std::to_string(s.effective_shift());
}

TEST(S2Properties, RollThenUnrollIsIdentity) {
  for (int n : {4, 8, 16, 30})
    for (int shift = -n - 3; shift <= n + 3; ++shift) {
      const HeadFrame there = frame_rolled(n, shift, {0}, SegmentRule::FrameCausal);
      const HeadFrame back = frame_rolled(n, -shift, {0}, SegmentRule::FrameCausal);
      for (int t = 0; t < n; ++t) {
        // torch.roll: token t lands in slot (t + shift) mod n.
        EXPECT_EQ(there.slot_of_token[t], ((t + shift) % n + n) % n);
        EXPECT_EQ(back.slot_of_token[there.slot_of_token[t]], t) << "n=" << n << " shift=" << shift;
      }
    }
}

TEST(S2Properties, EveryTokenOnceInEveryStepAndOutputInOriginalOrder) {
  for (const std::string variant : {"s2", "s2-fix-mask", "s2-fix-split", "short", "full"})
    for (const Shape& shape : kShapes) {
      const Scene scene = scene_for(variant, shape);
      SCOPED_TRACE(describe(scene));
      const auto a = analyze(scene);
      for (const Step& step : a->trace().steps) {
        ASSERT_EQ(step.rows, shape.n * shape.batch) << step.name;
        for (int b = 0; b < shape.batch; ++b)
          for (int h = 0; h < shape.heads; ++h) {
            std::multiset<int> seen;
            for (int row = b * shape.n; row < (b + 1) * shape.n; ++row) {
              EXPECT_EQ(step.batch[row], b);
              seen.insert(step.token(row, h));
            }
            std::multiset<int> expected;
            for (int t = 0; t < shape.n; ++t) expected.insert(t);
            EXPECT_EQ(seen, expected) << step.name << " head " << h;
          }
      }
      const Step& last = a->trace().steps.back();
      for (int row = 0; row < last.rows; ++row)
        for (int h = 0; h < shape.heads; ++h) EXPECT_EQ(last.token(row, h), row % shape.n);
    }
}

TEST(S2Properties, TraceNamesAlgorithmOnesSteps) {
  const auto a = analyze(scene_for("s2", {16, 4, 2, 1}));
  std::vector<std::string> names;
  for (const Step& step : a->trace().steps) names.push_back(step.name);
  EXPECT_EQ(names, (std::vector<std::string>{"input", "chunk", "roll", "concat", "group-reshape",
                                             "scores", "mask", "softmax", "weighted-sum",
                                             "ungroup", "unroll", "output"}));
}

TEST(S2Properties, RollStepMovesOnlyTheSecondHalfOfTheHeads) {
  for (const Shape& shape : kShapes) {
    const Scene scene = scene_for("s2", shape);
    const auto a = analyze(scene);
    const Step& roll = a->trace().steps[a->trace().find("roll")];
    const int s = shape.g / 2;
    for (int row = 0; row < roll.rows; ++row)
      for (int h = 0; h < shape.heads; ++h) {
        const int slot = row % shape.n;
        // Slot f of a head rolled by -s holds token (f + s) mod N.
        const int expected = h < shape.heads / 2 ? slot : (slot + s) % shape.n;
        EXPECT_EQ(roll.token(row, h), expected) << describe(scene);
      }
  }
}

TEST(S2Properties, GroupReshapeStacksRowsIntoGroupsOfG) {
  const Scene scene = scene_for("s2", {16, 4, 2, 2});
  const auto a = analyze(scene);
  const Step& grouped = a->trace().steps[a->trace().find("group-reshape")];
  EXPECT_EQ(grouped.shape, (std::vector<long>{8, 4, 3, 2, 8}));
  for (int row = 0; row < grouped.rows; ++row)
    for (int h = 0; h < 2; ++h) EXPECT_EQ(grouped.group(row, h), row / 4);
  // The wrapped group of the shifted head holds tokens 14, 15, 0, 1.
  std::vector<int> wrapped;
  for (int row = 12; row < 16; ++row) wrapped.push_back(grouped.token(row, 1));
  EXPECT_EQ(wrapped, (std::vector<int>{14, 15, 0, 1}));
}

TEST(S2Properties, LeaksPerShiftedHeadAreHalfGroupSquared) {
  for (const Shape& shape : kShapes) {
    const Scene scene = scene_for("s2", shape);
    SCOPED_TRACE(describe(scene));
    const auto a = analyze(scene);
    const int s = shape.g / 2;
    for (int h = 0; h < shape.heads; ++h) {
      if (h < shape.heads / 2) {
        EXPECT_EQ(a->metrics.heads[h].leaks, 0);
        continue;
      }
      EXPECT_EQ(a->metrics.heads[h].leaks, int64_t{s} * s);
      // Exactly the first G/2 queries reading the last G/2 keys.
      for (const auto& [q, k] : a->leaks[h].cells()) {
        EXPECT_LT(q, s);
        EXPECT_GE(k, shape.n - s);
      }
    }
  }
}

TEST(S2Properties, ShiftingLeftOrRightAllowsTheSameCells) {
  for (const Shape& shape : kShapes) {
    const auto left = analyze(scene_for("s2", shape, -shape.g / 2));
    const auto right = analyze(scene_for("s2", shape, shape.g / 2));
    for (int h = 0; h < shape.heads; ++h) EXPECT_EQ(left->mask(h), right->mask(h)) << shape.n;
  }
}

TEST(S2Properties, FixesNeverLeakUnderCausal) {
  for (const std::string variant : {"s2-fix-mask", "s2-fix-split", "short", "full"})
    for (const Shape& shape : kShapes)
      for (int shift : {-shape.g / 2, shape.g / 2, -1, 3}) {
        const Scene scene = scene_for(variant, shape, shift);
        EXPECT_EQ(analyze(scene)->metrics.total_leaks, 0) << describe(scene);
      }
}

TEST(S2Properties, FixMaskSwapsTheLeaksForTheirTransposes) {
  const auto code = analyze(scene_for("s2", {16, 4, 2, 1}));
  const auto fixed = analyze(scene_for("s2-fix-mask", {16, 4, 2, 1}));
  const auto added = runs_difference(fixed->mask(1), code->mask(1)).cells();
  const auto removed = runs_difference(code->mask(1), fixed->mask(1)).cells();
  EXPECT_EQ(added, (std::vector<std::pair<int, int>>{{14, 0}, {14, 1}, {15, 0}, {15, 1}}));
  EXPECT_EQ(removed, (std::vector<std::pair<int, int>>{{0, 14}, {0, 15}, {1, 14}, {1, 15}}));
}

TEST(S2Properties, UnionCoverageMatchesThePaperToy) {
  // N=16, G=4: the roll code covers 52 of 136 causal cells, FIX A 56, FIX B 52.
  EXPECT_EQ(analyze(scene_for("s2", {16, 4, 2, 1}))->metrics.policy_covered, 52);
  EXPECT_EQ(analyze(scene_for("s2-fix-mask", {16, 4, 2, 1}))->metrics.policy_covered, 56);
  EXPECT_EQ(analyze(scene_for("s2-fix-split", {16, 4, 2, 1}))->metrics.policy_covered, 52);
  EXPECT_EQ(analyze(scene_for("s2", {16, 4, 2, 1}))->metrics.policy_cells, 136);
}

TEST(S2Properties, SoftmaxRowsSumToOneAndMaskedCellsAreZero) {
  for (const std::string variant : {"s2", "s2-fix-mask", "s2-fix-split", "short", "full"})
    for (const Shape& shape : kShapes) {
      const Scene scene = scene_for(variant, shape);
      const auto a = analyze(scene);
      for (int b = 0; b < shape.batch; ++b)
        for (int h = 0; h < shape.heads; ++h)
          for (int q = 0; q < shape.n; ++q) {
            double sum = 0;
            for (int k = 0; k < shape.n; ++k) {
              const float w = a->weight(b, h, q, k);
              if (!a->allowed(h, q, k)) EXPECT_EQ(w, 0.f);
              EXPECT_GE(w, 0.f);
              sum += w;
            }
            EXPECT_NEAR(sum, 1.0, 1e-5) << describe(scene) << " b" << b << " h" << h << " q" << q;
          }
    }
}

TEST(S2Properties, GroupedAndRowWiseEnginesAgree) {
  // Two independent computations of the same attention: block GEMM per group vs one row at a
  // time over the mask's runs.
  for (const std::string variant : {"s2", "s2-fix-mask", "s2-fix-split"})
    for (const Shape& shape : kShapes) {
      const Scene scene = scene_for(variant, shape);
      const auto a = analyze(scene);
      const AttentionResult rowwise = attention_sparse(a->qkv, a->build.masks);
      ASSERT_EQ(rowwise.output.size(), a->attention.output.size());
      for (size_t i = 0; i < rowwise.output.size(); ++i)
        ASSERT_NEAR(rowwise.output[i], a->attention.output[i], 1e-5) << describe(scene);
      for (size_t v = 0; v < rowwise.values.size(); ++v)
        for (size_t i = 0; i < rowwise.values[v].weights.size(); ++i)
          ASSERT_NEAR(rowwise.values[v].weights[i], a->attention.values[v].weights[i], 1e-6);
      const std::vector<float> output_only = attention_grouped_output(a->qkv, *a->build.frame);
      for (size_t i = 0; i < output_only.size(); ++i)
        ASSERT_NEAR(output_only[i], a->attention.output[i], 1e-6);
    }
}

}  // namespace
}  // namespace attnscope
