// The lab's hand-written model (core/torch/lab_model.cpp: forward, backward and Adam written out)
// against the same model through LibTorch's autograd and torch::optim::Adam
// (tests/differential/lab_autograd.cpp), from the same parameters and tokens, under the core's masks of
// several variants: the loss, every parameter's gradient, and the parameters after three steps.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/analysis/analysis.hpp"
#include "core/analysis/lab.hpp"
#include "core/analysis/stack_model.hpp"
#include "core/scene/stack.hpp"
#include "core/torch/lab_model.hpp"
#include "core/torch/lab_run.hpp"
#include "tests/differential/lab_autograd.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

constexpr double kRelativeTolerance = 1e-4;
// The parameters after three steps are compared by what the steps moved them. Adam moves every
// element by about lr whatever its gradient's size, so elements whose gradient is at rounding
// level (1e-9, through GELU's flat tail) move by ±lr in either model as their rounding falls:
// measured up to 7e-4 of a tensor's update. A wrong moment, bias correction or eps changes the
// update by several percent.
constexpr double kUpdateTolerance = 2e-3;
// ‖(a − from) − (b − from)‖ / ‖b − from‖ over one parameter tensor of the flat buffers; `from`
// null compares a and b themselves.
double relative_error(const std::vector<float>& a, const std::vector<float>& b, const LabParameter& p,
                      const std::vector<float>* from = nullptr) {
  double difference = 0, norm = 0;
  for (size_t i = p.offset; i < p.offset + p.size; ++i) {
    const double origin = from ? (*from)[i] : 0.0;
    difference += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    norm += (b[i] - origin) * (b[i] - origin);
  }
  return norm == 0 ? std::sqrt(difference) : std::sqrt(difference / norm);
}

std::vector<int64_t> random_tokens(int batch, int n, int vocab) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> token(0, vocab - 1);
  std::vector<int64_t> tokens(static_cast<size_t>(batch) * n);
  for (int64_t& t : tokens) t = token(rng);
  return tokens;
}

LabLayerMasks scene_masks(const Scene& scene) {
  const auto a = analyze(scene, test::structure_only());
  return {a->build.masks, a->build.output_query};
}

// Both models from the same start on the same tokens; `layers` holds one entry per layer. With
// routes both models select each sequence's masks from their own q, k, v at every step.
void expect_same_training(const LabShape& shape, const std::vector<LabLayerMasks>& layers,
                          const LabRoutes& routes = {}) {
  ASSERT_EQ(static_cast<int>(layers.size()), shape.layers);
  LabModel model(shape, 5);
  const double lr = LabSettings().lr;
  constexpr int steps = 3;
  const std::vector<float> start = model.parameters();
  const std::vector<int64_t> tokens = random_tokens(shape.batch, shape.n, shape.vocab);
  std::vector<LabMask> masks;
  for (const LabLayerMasks& layer : layers) masks.push_back(lab_mask(layer));
  const LabAutogradRun reference = lab_autograd_run(shape, start, layers, tokens, steps, lr, routes);

  const double loss = model.forward_backward(tokens, masks, routes);
  EXPECT_NEAR(loss, reference.loss, 1e-5 * reference.loss);
  const std::vector<float> gradients = model.gradients();
  for (int step = 1; step <= steps; ++step) {
    if (step > 1) model.forward_backward(tokens, masks, routes);
    model.adam_step(lr);
  }
  for (const LabParameter& p : lab_parameter_layout(shape)) {
    EXPECT_LE(relative_error(gradients, reference.gradients, p), kRelativeTolerance) << p.name << " gradient";
    EXPECT_LE(relative_error(model.parameters(), reference.parameters, p, &start), kUpdateTolerance)
        << p.name << " after " << steps << " Adam steps";
  }
}

LabShape small_shape(int n, int heads, int layers) {
  return {.vocab = 11, .n = n, .d_model = 16, .heads = heads, .layers = layers, .batch = 6};
}

TEST(LabModelVsAutograd, FullCausal) {
  const LabLayerMasks full = scene_masks(test::test_scene({.variant = "full", .n = 8, .heads = 2}));
  expect_same_training(small_shape(8, 2, 2), {full, full});
}

// S2 with one group: the wrapped group lets queries read their next token.
TEST(LabModelVsAutograd, S2OneGroup) {
  const LabLayerMasks s2 = scene_masks(test::test_scene({.variant = "s2", .n = 8, .heads = 2, .g = 8}));
  expect_same_training(small_shape(8, 2, 2), {s2, s2});
}

// The odd-G code rolls by −3 and back by 2: rows land one token over, so positions read other
// positions' queries.
TEST(LabModelVsAutograd, MovedQueries) {
  const LabLayerMasks moved = scene_masks(
      test::test_scene({.variant = "s2", .n = 10, .heads = 2, .g = 5, .shift = -3, .params = {{"unroll", "2"}}}));
  bool any_moved = false;
  for (const auto& head : moved.output_query)
    for (size_t p = 0; p < head.size(); ++p) any_moved |= head[p] != static_cast<int>(p);
  ASSERT_TRUE(any_moved);
  expect_same_training(small_shape(10, 2, 1), {moved});
}

// Rows without keys (a mask file's empty rows) output 0 and pass no gradient.
TEST(LabModelVsAutograd, RowsWithoutKeys) {
  std::vector<RowRuns> heads;
  for (int h = 0; h < 2; ++h) {
    RowRuns mask(6, 6);
    for (int p = 0; p < 6; ++p) {
      if ((p + h) % 3 == 1) mask.append_row({});
      else mask.append_row({{0, p + 1}});
    }
    heads.push_back(std::move(mask));
  }
  expect_same_training(small_shape(6, 2, 2), {{heads, {}}, {heads, {}}});
}

// A stack gives each layer its own masks: [s2, full].
TEST(LabModelVsAutograd, StackLayers) {
  Scene scene = test::test_scene({.variant = "s2", .n = 8, .heads = 2, .g = 8});
  scene.stack = stack_to_json(stack_parse("s2,full")).dump();
  scene = stack_with_layers(scene, 2);
  const StackModel stack = stack_model(scene, test::structure_only());
  std::vector<LabLayerMasks> layers;
  for (int l = 0; l < stack.layers(); ++l) layers.push_back({stack.layer(l).build.masks, stack.layer(l).build.output_query});
  expect_same_training(small_shape(8, 2, 2), layers);
}

// Data-dependent variants: every layer re-selects each sequence's masks from its own q and k
// through the core's selection, in both models, at every step; the gradients flow through the
// masks the forward chose.
void expect_same_routed_training(const Scene& scene, const LabShape& shape) {
  const LabLayerMasks layer = scene_masks(scene);
  const LabRoute route = lab_route(scene, shape.d_model / shape.heads);
  const LabRoutes routes(static_cast<size_t>(shape.layers), route);
  // The selection does depend on the sequence: two sequences' masks differ somewhere.
  LabModel model(shape, 5);
  model.losses_per_position(random_tokens(shape.batch, shape.n, shape.vocab), {lab_mask(layer), lab_mask(layer)},
                            routes);
  const std::vector<LabMask>& selected = model.routed_masks(0);
  ASSERT_EQ(static_cast<int>(selected.size()), shape.batch);
  bool differ = false;
  for (const LabMask& m : selected) differ |= m.allowed != selected.front().allowed;
  EXPECT_TRUE(differ) << scene.variant << ": every sequence got the same masks";
  expect_same_training(shape, std::vector<LabLayerMasks>(static_cast<size_t>(shape.layers), layer), routes);
}

TEST(LabModelVsAutograd, RoutedMoBA) {
  expect_same_routed_training(
      test::test_scene({.variant = "moba", .n = 16, .heads = 2, .params = {{"block", "4"}, {"topk", "2"}}}),
      small_shape(16, 2, 2));
}

TEST(LabModelVsAutograd, RoutedTopK) {
  expect_same_routed_training(test::test_scene({.variant = "topk", .n = 12, .heads = 2, .params = {{"topk", "3"}}}),
                              small_shape(12, 2, 2));
}

}  // namespace
}  // namespace attnscope
