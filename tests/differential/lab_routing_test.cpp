// A data-dependent variant in the lab: every layer selects each sequence's masks from the model's
// own q and k. The masks the trainer used, sequence by sequence and layer by layer, are checked
// against MoBA's rule written out here from moba_naive.py (gate = q · mean key of each earlier
// block, the own block forced and counting toward K, the K − 1 best earlier blocks with ties to
// the earlier one, token causal), applied to the q and k the same model recomputes for that
// sequence alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "core/analysis/analysis.hpp"
#include "core/torch/lab_model.hpp"
#include "core/torch/lab_run.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr int kN = 16, kHeads = 2, kBlock = 4, kTopK = 2, kBatch = 8;
const LabShape kShape{.vocab = 11, .n = kN, .d_model = 16, .heads = kHeads, .layers = 2, .batch = kBatch};

Scene moba_scene() {
  return test::test_scene({.variant = "moba",
                           .n = kN,
                           .heads = kHeads,
                           .params = {{"block", std::to_string(kBlock)}, {"topk", std::to_string(kTopK)}}});
}

// MoBA's allowed cells (H, N, N) for one sequence's q and k of one layer, each (N, H, D).
std::vector<uint8_t> moba_rule(const std::vector<float>& q, const std::vector<float>& k, int head_dim) {
  const int d = kHeads * head_dim;
  std::vector<uint8_t> allowed(static_cast<size_t>(kHeads) * kN * kN, 0);
  for (int h = 0; h < kHeads; ++h)
    for (int t = 0; t < kN; ++t) {
      const int own = t / kBlock;
      std::vector<std::pair<double, int>> gates;  // (gate, block) of the earlier blocks
      for (int i = 0; i < own; ++i) {
        double gate = 0;
        for (int j = 0; j < head_dim; ++j) {
          double mean = 0;
          for (int s = i * kBlock; s < (i + 1) * kBlock; ++s) mean += k[static_cast<size_t>(s) * d + h * head_dim + j];
          gate += q[static_cast<size_t>(t) * d + h * head_dim + j] * (mean / kBlock);
        }
        gates.push_back({gate, i});
      }
      // Highest gate first; equal gates: the earlier block first.
      std::sort(gates.begin(), gates.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      uint8_t* row = allowed.data() + (static_cast<size_t>(h) * kN + t) * kN;
      for (int s = own * kBlock; s <= t; ++s) row[s] = 1;  // the own block, token causal
      for (int c = 0; c < std::min<int>(kTopK - 1, static_cast<int>(gates.size())); ++c)
        for (int s = gates[c].second * kBlock; s < (gates[c].second + 1) * kBlock; ++s) row[s] = 1;
    }
  return allowed;
}

struct RoutedRun {
  std::vector<int64_t> tokens;
  std::vector<std::vector<LabMask>> used;  // per layer, per sequence
};

RoutedRun routed_run(LabModel& model, const std::vector<LabMask>& fixed, const LabRoutes& routes) {
  RoutedRun run;
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> token(0, kShape.vocab - 1);
  run.tokens.resize(static_cast<size_t>(kBatch) * kN);
  for (int64_t& t : run.tokens) t = token(rng);
  model.losses_per_position(run.tokens, fixed, routes);
  for (int l = 0; l < kShape.layers; ++l) run.used.push_back(model.routed_masks(l));
  return run;
}

class LabRouting : public ::testing::Test {
 protected:
  LabRouting() : model_(kShape, 7) {
    const auto a = analyze(moba_scene(), test::structure_only());
    fixed_.assign(kShape.layers, lab_mask({a->build.masks, a->build.output_query, std::nullopt}));
    routes_.assign(kShape.layers, lab_route(moba_scene(), kShape.d_model / kHeads));
  }
  LabModel model_;
  std::vector<LabMask> fixed_;
  LabRoutes routes_;
};

TEST_F(LabRouting, MasksAreMoBAsRuleOnTheModelsOwnQueriesAndKeys) {
  const RoutedRun run = routed_run(model_, fixed_, routes_);
  for (int l = 0; l < kShape.layers; ++l) ASSERT_EQ(static_cast<int>(run.used[l].size()), kBatch) << "layer " << l;
  for (int b = 0; b < kBatch; ++b) {
    const std::vector<int64_t> sequence(run.tokens.begin() + b * kN, run.tokens.begin() + (b + 1) * kN);
    const std::vector<LabLayerCapture> layers = model_.capture(sequence, fixed_, routes_);
    for (int l = 0; l < kShape.layers; ++l) {
      const LabMask& used = run.used[l][b];
      EXPECT_EQ(used.allowed, moba_rule(layers[l].q, layers[l].k, kShape.d_model / kHeads))
          << "sequence " << b << ", layer " << l;
      EXPECT_EQ(used.has_key, std::vector<uint8_t>(static_cast<size_t>(kHeads) * kN, 1));
    }
  }
}

TEST_F(LabRouting, DifferentSequencesGetDifferentMasks) {
  const RoutedRun run = routed_run(model_, fixed_, routes_);
  for (int l = 0; l < kShape.layers; ++l) {
    const auto differs = [&](const LabMask& m) { return m.allowed != run.used[l].front().allowed; };
    EXPECT_TRUE(std::any_of(run.used[l].begin(), run.used[l].end(), differs))
        << "layer " << l << ": every sequence got the same masks";
  }
}

// A fixed layer keeps no per-sequence masks: the model trains it under the one mask it is given.
TEST_F(LabRouting, FixedLayersKeepNoSelection) {
  const LabRoutes only_first = {routes_[0], LabRoute()};
  const RoutedRun run = routed_run(model_, fixed_, only_first);
  EXPECT_EQ(static_cast<int>(run.used[0].size()), kBatch);
  EXPECT_TRUE(run.used[1].empty());
}

}  // namespace
}  // namespace attnscope
