#include "core/torch/lab_run.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <malloc.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/base/input_error.hpp"
#include "core/tensors/safetensors_writer.hpp"

namespace attnscope {

namespace {

// A head's mask as the model adds it to the scores: 0 where a key is allowed, −inf elsewhere.
// A row with no allowed key would give softmax NaN: it gets 0 everywhere and `keep` zeroes its
// weights, so its output is 0 as in the core. The masks are an analysis's, whose rows are output
// positions; a position whose row was computed for another query (a roll back that does not undo
// the roll) reads that query's q through `query_index`.
struct AttentionMask {
  at::Tensor additive;     // (H, N, N)
  at::Tensor keep;         // (H, N, 1), undefined when every row allows a key
  at::Tensor query_index;  // (H, N), undefined when every position is its own query
};

AttentionMask attention_mask(const std::vector<RowRuns>& masks, const std::vector<std::vector<int>>& output_query) {
  const int64_t heads = static_cast<int64_t>(masks.size()), n = masks.front().rows();
  auto additive = at::full({heads, n, n}, -std::numeric_limits<float>::infinity(), at::kFloat);
  auto keep = at::ones({heads, n, 1}, at::kFloat);
  auto query_index = at::arange(n, at::kLong).repeat({heads, 1});
  bool any_empty = false, any_moved = false;
  auto a = additive.accessor<float, 3>();
  auto kept = keep.accessor<float, 3>();
  auto index = query_index.accessor<int64_t, 2>();
  for (int64_t h = 0; h < heads; ++h)
    for (int p = 0; p < n; ++p) {
      if (h < static_cast<int64_t>(output_query.size()) && !output_query[h].empty()) {
        index[h][p] = output_query[h][p];
        any_moved |= output_query[h][p] != p;
      }
      const RowRuns& mask = masks[h];
      if (mask.row_count(p) == 0) {
        any_empty = true;
        kept[h][p][0] = 0;
        for (int64_t k = 0; k < n; ++k) a[h][p][k] = 0;
      }
      for (const Run* run = mask.row_begin(p); run != mask.row_end(p); ++run)
        for (int32_t k = run->begin; k < run->end; ++k) a[h][p][k] = 0;
    }
  return {additive, any_empty ? keep : at::Tensor(), any_moved ? query_index : at::Tensor()};
}

AttentionMask causal_mask(int64_t n) {
  return {at::full({n, n}, -std::numeric_limits<float>::infinity(), at::kFloat).triu(1), {}, {}};
}

// Up to this N attention multiplies by broadcasting (see attend); the (B, H, N, N, D) product is
// then at most 256·D floats per sequence and head.
constexpr int64_t kBroadcastMaxN = 16;

// q, k, v: (B, H, N, D) -> (B, H, N, D).
at::Tensor attend(at::Tensor q, const at::Tensor& k, const at::Tensor& v, const AttentionMask& mask,
                  at::Tensor* weights_out = nullptr) {
  if (mask.query_index.defined())
    q = q.gather(2, mask.query_index.view({1, q.size(1), q.size(2), 1}).expand_as(q));
  // Short sequences make the batched products thousands of tiny matrix products (one BLAS call per
  // sequence and head, each paying its packing and a dispatch); as a broadcast product and a sum
  // over (B, H, N, N, D) they are one vectorised kernel each, forwards and backwards.
  const bool short_rows = q.size(2) <= kBroadcastMaxN;
  auto scores = short_rows ? (q.unsqueeze(3) * k.unsqueeze(2)).sum(-1) : at::matmul(q, k.transpose(-2, -1));
  scores.mul_(1.0 / std::sqrt(static_cast<double>(q.size(-1))));
  auto weights = at::softmax(scores + mask.additive, -1);
  if (mask.keep.defined()) weights = weights * mask.keep;
  if (weights_out) *weights_out = weights;
  return short_rows ? (weights.unsqueeze(-1) * v.unsqueeze(2)).sum(3) : at::matmul(weights, v);
}

struct Block {
  torch::Tensor ln1_w, ln1_b, qkv_w, qkv_b, out_w, out_b, ln2_w, ln2_b, up_w, up_b, down_w, down_b;
};

// What a forward pass can leave behind for saving: each layer's q, k, v (B, N, H, D) and weights.
struct LayerCapture {
  at::Tensor q, k, v, weights;
};

class Model {
 public:
  Model(int vocab, int n, int d, int heads, int layers, uint64_t seed) : d_(d), heads_(heads) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto normal = [&](std::vector<int64_t> shape, double std) {
      return at::empty(shape, at::kFloat).normal_(0, std, gen).requires_grad_();
    };
    const auto constant = [&](int64_t size, float value) { return at::full({size}, value, at::kFloat).requires_grad_(); };
    // GPT-2's initialisation: N(0, 0.02), the projections into the residual stream scaled by
    // 1/sqrt(2·layers) so that the stream's variance does not grow with depth.
    const double residual_std = 0.02 / std::sqrt(2.0 * layers);
    token_ = normal({vocab, d}, 0.02);
    position_ = normal({n, d}, 0.02);
    for (int l = 0; l < layers; ++l)
      blocks_.push_back({constant(d, 1), constant(d, 0), normal({3 * d, d}, 0.02), constant(3 * d, 0),
                         normal({d, d}, residual_std), constant(d, 0), constant(d, 1), constant(d, 0),
                         normal({4 * d, d}, 0.02), constant(4 * d, 0), normal({d, 4 * d}, residual_std),
                         constant(d, 0)});
    final_w_ = constant(d, 1);
    final_b_ = constant(d, 0);
    head_w_ = normal({vocab, d}, 0.02);
    head_b_ = constant(vocab, 0);
  }

  // tokens (B, N) -> logits (B, N, V). The stream is kept as (B·N, d) so that every projection is
  // one matrix product with its bias (addmm) forwards and backwards.
  at::Tensor forward(const at::Tensor& tokens, const AttentionMask& mask,
                     std::vector<LayerCapture>* capture = nullptr) const {
    const int64_t B = tokens.size(0), N = tokens.size(1), H = heads_, D = d_ / heads_;
    auto x = (at::embedding(token_, tokens) + position_).view({B * N, d_});
    for (const Block& b : blocks_) {
      auto h = at::layer_norm(x, {d_}, b.ln1_w, b.ln1_b);
      auto qkv = at::addmm(b.qkv_b, h, b.qkv_w.t()).view({B, N, 3, H, D});
      auto q = qkv.select(2, 0), k = qkv.select(2, 1), v = qkv.select(2, 2);  // (B, N, H, D)
      at::Tensor weights;
      auto attended = attend(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), mask,
                             capture ? &weights : nullptr);
      if (capture) capture->push_back({q, k, v, weights});
      x = x + at::addmm(b.out_b, attended.transpose(1, 2).reshape({B * N, d_}), b.out_w.t());
      h = at::layer_norm(x, {d_}, b.ln2_w, b.ln2_b);
      x = x + at::addmm(b.down_b, at::gelu(at::addmm(b.up_b, h, b.up_w.t())), b.down_w.t());
    }
    return at::addmm(head_b_, at::layer_norm(x, {d_}, final_w_, final_b_), head_w_.t()).view({B, N, -1});
  }

  // Every parameter with the name it is saved under.
  std::vector<std::pair<std::string, torch::Tensor>> named_parameters() const {
    std::vector<std::pair<std::string, torch::Tensor>> all = {{"embedding.token", token_},
                                                              {"embedding.position", position_}};
    for (size_t l = 0; l < blocks_.size(); ++l) {
      const Block& b = blocks_[l];
      const std::string p = fmt::format("layers.{}.", l);
      for (const auto& [name, t] : std::vector<std::pair<const char*, torch::Tensor>>{
               {"norm1.weight", b.ln1_w}, {"norm1.bias", b.ln1_b}, {"attention.in_proj.weight", b.qkv_w},
               {"attention.in_proj.bias", b.qkv_b}, {"attention.out_proj.weight", b.out_w},
               {"attention.out_proj.bias", b.out_b}, {"norm2.weight", b.ln2_w}, {"norm2.bias", b.ln2_b},
               {"mlp.up.weight", b.up_w}, {"mlp.up.bias", b.up_b}, {"mlp.down.weight", b.down_w},
               {"mlp.down.bias", b.down_b}})
        all.emplace_back(p + name, t);
    }
    all.insert(all.end(), {{"norm.weight", final_w_}, {"norm.bias", final_b_}, {"head.weight", head_w_},
                           {"head.bias", head_b_}});
    return all;
  }

  std::vector<torch::Tensor> parameters() const {
    std::vector<torch::Tensor> all;
    for (auto& [name, t] : named_parameters()) all.push_back(t);
    return all;
  }

 private:
  int64_t d_, heads_;
  torch::Tensor token_, position_, final_w_, final_b_, head_w_, head_b_;
  std::vector<Block> blocks_;
};

// Cross-entropy of predicting token p+1 at position p: (B, N−1).
at::Tensor next_token_losses(const at::Tensor& logits, const at::Tensor& tokens) {
  const int64_t B = logits.size(0), N = logits.size(1), V = logits.size(2);
  auto predicted = logits.slice(1, 0, N - 1).reshape({B * (N - 1), V});
  auto targets = tokens.slice(1, 1, N).reshape({B * (N - 1)});
  return at::cross_entropy_loss(predicted, targets, {}, at::Reduction::None).view({B, N - 1});
}

std::vector<double> to_doubles(const at::Tensor& t) {
  auto c = t.to(at::kDouble).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

std::vector<float> to_floats(const at::Tensor& t) {
  auto c = t.detach().to(at::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

at::Tensor token_tensor(std::vector<int64_t> tokens, int64_t rows, int64_t n) {
  return at::from_blob(tokens.data(), {rows, n}, at::kLong).clone();
}

void save_model(const std::string& path, const Model& model, const AttentionMask& mask, const LabRunOptions& o,
                const LabTask& task, std::mt19937_64& rng) {
  std::vector<SafetensorsEntry> entries;
  for (const auto& [name, t] : model.named_parameters()) {
    const auto sizes = t.sizes();
    entries.push_back({name, std::vector<int64_t>(sizes.begin(), sizes.end()), to_floats(t)});
  }
  const std::vector<int64_t> sample = task.batch(1, rng);
  std::vector<LayerCapture> capture;
  {
    at::NoGradGuard no_grad;
    model.forward(token_tensor(sample, 1, o.scene.n), mask, &capture);
  }
  for (size_t l = 0; l < capture.size(); ++l) {
    const LayerCapture& c = capture[l];
    const std::vector<int64_t> shape(c.q.sizes().begin(), c.q.sizes().end());  // (1, N, H, D)
    entries.push_back({fmt::format("layers.{}.q", l), shape, to_floats(c.q)});
    entries.push_back({fmt::format("layers.{}.k", l), shape, to_floats(c.k)});
    entries.push_back({fmt::format("layers.{}.v", l), shape, to_floats(c.v)});
    const std::vector<int64_t> weight_shape(c.weights.sizes().begin(), c.weights.sizes().end());
    entries.push_back({fmt::format("layers.{}.attention_weights", l), weight_shape, to_floats(c.weights)});
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

// The tensors are small ((B·N, d) with d = 64): one thread is faster than several that wait for
// each other, all the more on a busy machine, and runs repeat bit for bit. Debian's LibTorch
// multiplies matrices through OpenBLAS, whose own thread pool at::set_num_threads does not reach.
// Every step frees and allocates the same megabyte-sized tensors; glibc would hand each back to
// the system and fault its pages in again (a fifth of a step's time), so freed blocks are kept.
void tune_for_small_tensors() {
  at::set_num_threads(1);
  using SetThreads = void (*)(int);
  if (auto openblas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) openblas(1);
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace

LabResult lab_run(const LabRunOptions& o, const LabProgress& progress) {
  tune_for_small_tensors();
  const auto start = std::chrono::steady_clock::now();
  const LabSettings& s = o.settings;
  const int64_t N = o.scene.n;
  const LabTask task(s, o.scene.n);
  std::mt19937_64 rng(s.seed);
  const Model model(task.vocab(), o.scene.n, s.d_model, o.scene.heads, s.layers, s.seed);
  const AttentionMask train_mask = attention_mask(o.masks, o.output_query);
  const AttentionMask full_mask = causal_mask(N);
  const at::Tensor held_out = token_tensor(task.batch(s.batch, rng), s.batch, N);
  torch::optim::Adam adam(model.parameters(), torch::optim::AdamOptions(s.lr));

  LabResult r;
  r.variant = o.scene.variant;
  r.task = s.task;
  r.n = o.scene.n;
  r.heads = o.scene.heads;
  r.vocab = task.vocab();
  r.layers = s.layers;
  r.steps = s.steps;
  r.batch = s.batch;
  r.d_model = s.d_model;
  for (int step = 1; step <= s.steps; ++step) {
    const at::Tensor tokens = token_tensor(task.batch(s.batch, rng), s.batch, N);
    adam.zero_grad();
    auto loss = next_token_losses(model.forward(tokens, train_mask), tokens).mean();
    const double value = loss.item<double>();
    if (!std::isfinite(value))
      throw InputError(fmt::format("train: the loss became {} at step {}; try a lower --lr (now {:g})",
                                   value, step, s.lr));
    loss.backward();
    adam.step();
    if (step % s.eval_every == 0 || step == s.steps || step == 1) {
      at::NoGradGuard no_grad;
      const double eval = next_token_losses(model.forward(held_out, full_mask), held_out).mean().item<double>();
      r.curves.push_back({step, value, eval});
      if (progress.point) progress.point(r.curves.back());
    }
    if (progress.fraction) progress.fraction(static_cast<double>(step) / s.steps);
  }
  {
    at::NoGradGuard no_grad;
    r.train_loss_per_position = to_doubles(next_token_losses(model.forward(held_out, train_mask), held_out).mean(0));
    r.eval_full_causal_loss_per_position =
        to_doubles(next_token_losses(model.forward(held_out, full_mask), held_out).mean(0));
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.save_path.empty()) save_model(o.save_path, model, train_mask, o, task, rng);
  return r;
}

std::vector<float> lab_attention_output(const std::vector<RowRuns>& masks,
                                        const std::vector<std::vector<int>>& output_query, const Qkv& qkv) {
  auto packed = at::from_blob(const_cast<float*>(qkv.data.data()), {qkv.batch, qkv.n, 3, qkv.heads, qkv.d},
                              at::kFloat);
  auto q = packed.select(2, 0).transpose(1, 2), k = packed.select(2, 1).transpose(1, 2),
       v = packed.select(2, 2).transpose(1, 2);
  return to_floats(attend(q, k, v, attention_mask(masks, output_query)).transpose(1, 2));
}

}  // namespace attnscope
