// The receptive field through layers that differ, against boolean matrix products of each
// layer's (union of heads ∪ identity) written with plain loops (its counts, and its sets after
// any one layer), and its cost at a real N.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "core/analysis/stack_model.hpp"
#include "core/reach/reach.hpp"
#include "core/scene/stack.hpp"
#include "core/variants/predicate_mask.hpp"

namespace attnscope {
namespace {

using Matrix = std::vector<std::vector<bool>>;

// One layer: R'(q, k) = R(q, k) or some j with A(q, j) and R(j, k).
Matrix product_step(const Matrix& reach, const Matrix& allowed) {
  const size_t n = reach.size();
  Matrix next = reach;
  for (size_t q = 0; q < n; ++q)
    for (size_t j = 0; j < n; ++j)
      if (allowed[q][j])
        for (size_t k = 0; k < n; ++k)
          if (reach[j][k]) next[q][k] = true;
  return next;
}

Matrix union_of_heads(const std::vector<RowRuns>& heads) {
  const int n = heads.front().rows();
  Matrix m(n, std::vector<bool>(n, false));
  for (const RowRuns& head : heads)
    for (const auto& [q, k] : head.cells()) m[q][k] = true;
  return m;
}

void expect_products(const std::vector<std::vector<RowRuns>>& layers, int64_t max_bytes, const std::string& label) {
  std::vector<const std::vector<RowRuns>*> pointers;
  for (const auto& layer : layers) pointers.push_back(&layer);
  const StackReach got = reach_through_stack(pointers, max_bytes, true);
  const int n = layers.front().front().rows();
  Matrix reach(n, std::vector<bool>(n, false));
  for (int q = 0; q < n; ++q) reach[q][q] = true;
  std::vector<int> next_layer(n, -1);
  int whole_prefix_at = -1;
  ASSERT_EQ(got.counts.size(), layers.size()) << label;
  for (size_t l = 0; l < layers.size(); ++l) {
    reach = product_step(reach, union_of_heads(layers[l]));
    int prefix = 0;
    for (int q = 0; q < n; ++q) {
      int64_t count = 0;
      bool covers = true;
      for (int k = 0; k < n; ++k) {
        count += reach[q][k];
        if (k <= q) covers = covers && reach[q][k];
      }
      prefix += covers;
      EXPECT_EQ(got.counts[l][q], count) << label << " layer " << l << " query " << q;
      if (q + 1 < n && next_layer[q] < 0 && reach[q][q + 1]) next_layer[q] = static_cast<int>(l) + 1;
    }
    EXPECT_EQ(got.layers[l].prefix_queries, prefix) << label << " layer " << l;
    // The sets themselves after this layer, as the GUI's receptive-field view asks for them.
    const StackReach kept = reach_through_stack(pointers, max_bytes, false, static_cast<int>(l));
    int wrong = 0;
    for (int q = 0; q < n; ++q)
      for (int k = 0; k < n; ++k) wrong += kept.sets.contains(q, k) != reach[q][k];
    EXPECT_EQ(wrong, 0) << label << " sets after layer " << l;
    if (whole_prefix_at < 0 && prefix == n) whole_prefix_at = static_cast<int>(l) + 1;
  }
  EXPECT_EQ(got.next.layer, next_layer) << label;
  EXPECT_EQ(got.whole_prefix_at, whole_prefix_at) << label;
}

std::vector<RowRuns> one(RowRuns mask) { return {std::move(mask)}; }

TEST(StackReach, MixedLayersEqualMatrixProducts) {
  const int n = 40;
  const auto window = [](int w) { return one(predicate_mask(n, [w](int q, int k) { return k <= q && q - k < w; })); };
  const auto chunk = [](int c) { return one(predicate_mask(n, [c](int q, int k) { return k <= q && k / c == q / c; })); };
  const auto full = one(predicate_mask(n, [](int q, int k) { return k <= q; }));
  // A head that reads one token ahead (a leak) next to a head that reads the previous one.
  const std::vector<RowRuns> ahead = {predicate_mask(n, [](int q, int k) { return k == q + 1 && q % 7 == 3; }),
                                      predicate_mask(n, [](int q, int k) { return k == q - 1; })};
  expect_products({window(4), window(4), window(4), full, window(4)}, int64_t{1} << 30, "gemma-like");
  expect_products({chunk(8), chunk(8), chunk(8), full, chunk(8)}, int64_t{1} << 30, "llama4-like");
  expect_products({window(3), ahead, chunk(5), ahead, window(2), ahead}, int64_t{1} << 30, "leaking");
  expect_products({window(3)}, int64_t{1} << 30, "one layer");
  expect_products({ahead, ahead, ahead, ahead}, int64_t{1} << 30, "uniform");
}

TEST(StackReach, FragmentedLayersAsRunsAndAsBitRows) {
  const int n = 48;
  std::mt19937 rng(7);
  std::vector<std::vector<RowRuns>> layers;
  for (int l = 0; l < 5; ++l) {
    std::vector<RowRuns> heads;
    for (int h = 0; h < 2; ++h) {
      const double p = 0.03 + 0.02 * l;
      std::vector<std::vector<bool>> cells(n, std::vector<bool>(n));
      for (auto& row : cells)
        for (size_t k = 0; k < row.size(); ++k) row[k] = std::uniform_real_distribution<>(0, 1)(rng) < p;
      heads.push_back(predicate_mask(n, [&](int q, int k) { return bool(cells[q][k]); }));
    }
    layers.push_back(heads);
  }
  expect_products(layers, int64_t{1} << 30, "runs");
  // A budget too small for the runs' tree: the propagation moves to bit rows mid-way.
  expect_products(layers, 3 * 8 * 48 + 2000, "bit rows");
}

TEST(StackReach, SingleMaskApiIsTheUniformStack) {
  const int n = 64;
  const std::vector<RowRuns> masks = {predicate_mask(n, [](int q, int k) { return k <= q && q - k < 5; }),
                                      predicate_mask(n, [](int q, int k) { return k == q + 2 && q % 9 == 0; })};
  const ReachReport single = reach_with_next_token(masks, 6, int64_t{1} << 30, true);
  const StackReach stack = reach_through_stack(std::vector<const std::vector<RowRuns>*>(6, &masks), int64_t{1} << 30, true);
  EXPECT_EQ(stack.counts.back(), single.reach.counts);
  EXPECT_EQ(stack.next.layer, single.next->layer);
}

// Gemma-3 27B (62 layers, 5 sliding 1024 : 1 global) and GPT-OSS 120B (36 layers, sliding 128 /
// full) at N = 131072: seconds, within the default memory budget.
TEST(StackReach, RealModelsAtTheirLength) {
  struct Model {
    const char* stack;
    int layers;
    int heads;
    int whole_prefix_at;  // layers until every query reads its prefix
  };
  for (const Model& m : {Model{"window:window=1024*5,full", 62, 32, 6}, Model{"window:window=128,full", 36, 64, 2}}) {
    Scene scene;
    scene.n = 131072;
    scene.heads = m.heads;
    scene.stack = stack_to_json(stack_parse(m.stack)).dump();
    scene = stack_with_layers(scene, m.layers);
    const auto start = std::chrono::steady_clock::now();
    const StackModel model = stack_model(scene, {});
    const StackReach reach = stack_model_reach(model, int64_t{1} << 30);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(model.analyses.size(), 2u) << m.stack;
    EXPECT_EQ(reach.whole_prefix_at, m.whole_prefix_at) << m.stack;
    EXPECT_EQ(reach.next.first, -1) << m.stack;
    EXPECT_EQ(reach.layers.front().last_count, m.whole_prefix_at == 6 ? 1024 : 128) << m.stack;
    EXPECT_LT(seconds, 30) << m.stack;
    for (const auto& a : model.analyses)
      for (const RowRuns& mask : a->build.masks) EXPECT_LT(mask.storage_bytes(), int64_t{1} << 30);
  }
}

}  // namespace
}  // namespace attnscope
