#include "core/torch/lab_run.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.hpp"
#include "core/base/input_error.hpp"
#include "core/tensors/safetensors_writer.hpp"

namespace attnscope {

namespace {

void save_model(const std::string& path, LabModel& model, const std::vector<LabMask>& masks, const LabRoutes& routes,
                const LabRunOptions& o, const LabTask& task, std::mt19937_64& rng) {
  std::vector<SafetensorsEntry> entries;
  for (const LabParameter& p : lab_parameter_layout(model.shape())) {
    const auto begin = model.parameters().begin() + static_cast<std::ptrdiff_t>(p.offset);
    entries.push_back({p.name, p.shape, std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(p.size))});
  }
  const std::vector<int64_t> sample = task.batch(1, rng);
  const std::vector<LabLayerCapture> capture = model.capture(sample, masks, routes);
  const int64_t n = o.scene.n, heads = o.scene.heads, head_dim = o.settings.d_model / o.scene.heads;
  for (size_t l = 0; l < capture.size(); ++l) {
    const LabLayerCapture& c = capture[l];
    const std::vector<int64_t> shape = {1, n, heads, head_dim};
    entries.push_back({fmt::format("layers.{}.q", l), shape, c.q});
    entries.push_back({fmt::format("layers.{}.k", l), shape, c.k});
    entries.push_back({fmt::format("layers.{}.v", l), shape, c.v});
    entries.push_back({fmt::format("layers.{}.attention_weights", l), {1, heads, n, n}, c.weights});
  }
  const LabSettings& s = o.settings;
  safetensors_write(path, entries,
                    {{"format", "attnscope lab model"},
                     {"variant", o.scene.variant},
                     {"task", s.task},
                     {"tokens", fmt::format("{}", fmt::join(sample, ","))},
                     {"scene", scene_to_json(o.scene).dump()},
                     {"layers", std::to_string(s.layers)},
                     {"d_model", std::to_string(s.d_model)},
                     {"vocab", std::to_string(task.vocab())},
                     {"steps", std::to_string(s.steps)},
                     {"seed", std::to_string(s.seed)}});
}

// The matrices are small ((B·N, d) with d = 64): one thread is faster than several that wait for
// each other, all the more on a busy machine, and runs repeat bit for bit. Debian's LibTorch
// multiplies matrices through OpenBLAS, whose own thread pool at::set_num_threads does not reach.
void use_one_thread() {
  at::set_num_threads(1);
  using SetThreads = void (*)(int);
  if (auto openblas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) openblas(1);
}

// Layer l's entry: a stack's own, or the scene's for every layer.
const LabLayerMasks& layer_entry(const std::vector<LabLayerMasks>& layers, int l) {
  return layers[layers.size() == 1 ? 0 : static_cast<size_t>(l)];
}

std::vector<LabMask> layer_masks(const std::vector<LabLayerMasks>& layers, int count) {
  std::vector<LabMask> masks;
  for (int l = 0; l < count; ++l) masks.push_back(lab_mask(layer_entry(layers, l)));
  return masks;
}

// The routed layers' selections; empty when every layer's masks are fixed.
LabRoutes layer_routes(const std::vector<LabLayerMasks>& layers, int count, int head_dim) {
  LabRoutes routes(static_cast<size_t>(count));
  bool any = false;
  for (int l = 0; l < count; ++l)
    if (const LabLayerMasks& entry = layer_entry(layers, l); entry.selects) {
      routes[static_cast<size_t>(l)] = lab_route(*entry.selects, head_dim);
      any = true;
    }
  return any ? routes : LabRoutes();
}

}  // namespace

LabResult lab_run(const LabRunOptions& o, const LabProgress& progress) {
  use_one_thread();
  const auto start = std::chrono::steady_clock::now();
  const LabSettings& s = o.settings;
  const int N = o.scene.n;
  const LabTask task(s, N);
  std::mt19937_64 rng(s.seed);
  LabModel model({.vocab = task.vocab(), .n = N, .d_model = s.d_model, .heads = o.scene.heads, .layers = s.layers,
                  .batch = s.batch},
                 s.seed);
  const std::vector<LabMask> train_masks = layer_masks(o.layers, s.layers);
  const LabRoutes routes = layer_routes(o.layers, s.layers, s.d_model / o.scene.heads);
  const std::vector<LabMask> full_masks(static_cast<size_t>(s.layers), lab_causal_mask(o.scene.heads, N));
  const std::vector<int64_t> held_out = task.batch(s.batch, rng);
  const auto mean = [](const std::vector<double>& losses) {
    double total = 0;
    for (double loss : losses) total += loss;
    return total / static_cast<double>(losses.size());
  };

  LabResult r;
  r.variant = o.scene.variant;
  r.task = s.task;
  r.n = N;
  r.heads = o.scene.heads;
  r.vocab = task.vocab();
  r.layers = s.layers;
  r.steps = s.steps;
  r.batch = s.batch;
  r.d_model = s.d_model;
  for (int step = 1; step <= s.steps; ++step) {
    const double value = model.forward_backward(task.batch(s.batch, rng), train_masks, routes);
    if (!std::isfinite(value))
      throw InputError(fmt::format("train: the loss became {} at step {}; try a lower --lr (now {:g})",
                                   value, step, s.lr));
    model.adam_step(s.lr);
    if (step % s.eval_every == 0 || step == s.steps || step == 1) {
      r.curves.push_back({step, value, mean(model.losses_per_position(held_out, full_masks))});
      if (progress.point) progress.point(r.curves.back());
    }
    if (progress.fraction) progress.fraction(static_cast<double>(step) / s.steps);
  }
  r.train_loss_per_position = model.losses_per_position(held_out, train_masks, routes);
  r.eval_full_causal_loss_per_position = model.losses_per_position(held_out, full_masks);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.save_path.empty()) save_model(o.save_path, model, train_masks, routes, o, task, rng);
  return r;
}

LabRoute lab_route(const Scene& scene, int head_dim) {
  Scene one = scene;
  one.batch = 1;
  one.d = head_dim;
  return [one](const float* sequence_qkv) {
    Qkv qkv{.batch = 1, .n = one.n, .heads = one.heads, .d = one.d, .data = {}};
    qkv.data.assign(sequence_qkv, sequence_qkv + static_cast<size_t>(one.n) * 3 * one.heads * one.d);
    VariantBuild build = analysis_build(one, qkv);
    return LabLayerMasks{std::move(build.masks), std::move(build.output_query), std::nullopt};
  };
}

std::vector<float> lab_attention_output(const LabLayerMasks& layer, const Qkv& qkv) {
  std::vector<float> out(static_cast<size_t>(qkv.batch) * qkv.n * qkv.heads * qkv.d);
  std::vector<float> weights(static_cast<size_t>(qkv.batch) * qkv.heads * qkv.n * qkv.n);
  lab_attention_forward(qkv.data.data(), out.data(), weights.data(), qkv.batch, lab_mask(layer), qkv.d);
  return out;
}

}  // namespace attnscope
