#include "core/torch/reference.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>

namespace attnscope {

namespace {

struct Attended {
  at::Tensor out;      // (M, G, H, D)
  at::Tensor weights;  // (M, H, G, G)
};

// Standard attention inside each group of a (M, G, 3, H, D) tensor. `masked` is True where a
// score is dropped and broadcasts against (M, H, G, G).
Attended attend_groups(const at::Tensor& grouped, const at::Tensor& masked, bool need_weights) {
  const auto D = grouped.size(4);
  auto q = grouped.select(2, 0).transpose(1, 2);  // (M, H, G, D)
  auto k = grouped.select(2, 1).transpose(1, 2);
  auto v = grouped.select(2, 2).transpose(1, 2);
  auto scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(D));
  scores = scores.masked_fill(masked, -std::numeric_limits<float>::infinity());
  auto weights = at::softmax(scores, -1);
  auto out = at::matmul(weights, v).transpose(1, 2);  // (M, G, H, D)
  return {out, need_weights ? weights : at::Tensor()};
}

at::Tensor causal_block_mask(int64_t g) {
  return at::ones({g, g}, at::kBool).triu(1);
}

// (B·N/G, H, G, G) group weights -> (B, H, N, N) block-diagonal weights in frame coordinates.
at::Tensor block_diagonal(const at::Tensor& weights, int64_t B, int64_t N, int64_t G) {
  const int64_t H = weights.size(1);
  auto per_batch = weights.view({B, N / G, H, G, G}).permute({0, 2, 1, 3, 4});  // (B,H,N/G,G,G)
  auto dense = at::zeros({B, H, N / G, G, N / G, G}, weights.options());
  for (int64_t j = 0; j < N / G; ++j) dense.select(2, j).select(3, j).copy_(per_batch.select(2, j));
  return dense.view({B, H, N, N});
}

std::vector<float> to_vector(const at::Tensor& t) {
  auto c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

at::Tensor packed(const Qkv& qkv) {
  return at::from_blob(const_cast<float*>(qkv.data.data()), {qkv.batch, qkv.n, 3, qkv.heads, qkv.d},
                       at::kFloat)
      .clone();
}

// LongLoRA Algorithm 1 (and forward_noflashattn): chunk, roll, cat, view, attend, view, roll back.
// With token_causal the mask compares original positions inside each group (s2-fix-mask).
ReferenceResult s2_reference(const Scene& scene, const Qkv& in, int64_t shift, bool token_causal) {
  const int64_t B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
  auto qkv = packed(in);
  auto chunks = qkv.chunk(2, 3);
  qkv = at::cat({chunks[0], chunks[1].roll(shift, 1)}, 3);
  qkv = qkv.view({B * N / G, G, 3, H, D});
  at::Tensor masked = causal_block_mask(G);  // broadcasts over (M, H)
  if (token_causal) {
    auto pos = at::arange(N, at::kLong).roll(shift).view({N / G, G});
    auto shifted_mask = pos.unsqueeze(1) > pos.unsqueeze(2);  // (N/G, G, G): key after query
    auto plain = causal_block_mask(G).expand({N / G, G, G});
    masked = at::stack({plain, shifted_mask}, 1)                                   // (N/G, 2, G, G)
                 .repeat_interleave(H / 2, 1)                                      // (N/G, H, G, G)
                 .repeat({B, 1, 1, 1});                                            // (B·N/G, H, G, G)
  }
  auto attended = attend_groups(qkv, masked, true);
  auto out = attended.out.reshape({B, N, H, D});
  auto out_chunks = out.chunk(2, 2);
  out = at::cat({out_chunks[0], out_chunks[1].roll(-shift, 1)}, 2);

  auto frame_weights = block_diagonal(attended.weights, B, N, G);
  auto weight_chunks = frame_weights.chunk(2, 1);
  auto weights = at::cat({weight_chunks[0], weight_chunks[1].roll({-shift, -shift}, {2, 3})}, 1);
  return {to_vector(out), to_vector(weights)};
}

// LongLoRA forward_flashattn at HEAD: head halves to the batch axis and causal attention inside
// each cu_seqlens segment (flash_attn_varlen_qkvpacked_func emulated one segment at a time).
ReferenceResult s2_split_reference(const Scene& scene, const Qkv& in) {
  const int64_t B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
  const int64_t s = ((-scene.effective_shift()) % G + G) % G;
  auto qkv = packed(in);
  auto rows = at::stack(qkv.chunk(2, 3), 1).reshape({2 * B, N, 3, H / 2, D});
  std::vector<int64_t> plain, shifted = {0};
  for (int64_t b = 0; b <= N; b += G) plain.push_back(b);
  for (int64_t b = s; b < N; b += G)
    if (b > 0) shifted.push_back(b);
  shifted.push_back(N);
  auto out = at::zeros({2 * B, N, H / 2, D}, at::kFloat);
  auto weights = at::zeros({2 * B, H / 2, N, N}, at::kFloat);
  for (int64_t row = 0; row < 2 * B; ++row) {
    const auto& cu = row % 2 == 0 ? plain : shifted;
    for (size_t i = 0; i + 1 < cu.size(); ++i) {
      const int64_t a = cu[i], e = cu[i + 1];
      auto segment = rows.select(0, row).slice(0, a, e).unsqueeze(0);  // (1, L, 3, H/2, D)
      auto attended = attend_groups(segment, causal_block_mask(e - a), true);
      out.select(0, row).slice(0, a, e).copy_(attended.out.squeeze(0));
      weights.select(0, row).slice(1, a, e).slice(2, a, e).copy_(attended.weights.squeeze(0));
    }
  }
  auto output = out.view({B, 2, N, H / 2, D}).permute({0, 2, 1, 3, 4}).reshape({B, N, H, D});
  return {to_vector(output), to_vector(weights.view({B, H, N, N}))};
}

ReferenceResult short_reference(const Scene& scene, const Qkv& in) {
  const int64_t B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
  auto qkv = packed(in).view({B * N / G, G, 3, H, D});
  auto attended = attend_groups(qkv, causal_block_mask(G), true);
  return {to_vector(attended.out.reshape({B, N, H, D})),
          to_vector(block_diagonal(attended.weights, B, N, G))};
}

ReferenceResult full_reference(const Scene& scene, const Qkv& in) {
  const int64_t B = scene.batch, N = scene.n, H = scene.heads, D = scene.d;
  auto qkv = packed(in);  // (B, N, 3, H, D): one group of N per sequence
  auto attended = attend_groups(qkv, causal_block_mask(N), true);
  return {to_vector(attended.out.reshape({B, N, H, D})), to_vector(attended.weights)};
}

using Runner = std::function<ReferenceResult(const Scene&, const Qkv&)>;

const std::map<std::string, Runner>& runners() {
  static const std::map<std::string, Runner> table = {
      {"full", full_reference},
      {"short", short_reference},
      {"s2", [](const Scene& s, const Qkv& q) { return s2_reference(s, q, s.effective_shift(), false); }},
      {"s2-fix-mask",
       [](const Scene& s, const Qkv& q) { return s2_reference(s, q, s.effective_shift(), true); }},
      {"s2-fix-split", s2_split_reference},
  };
  return table;
}

}  // namespace

bool reference_available(const std::string& variant) { return runners().count(variant) > 0; }

std::vector<std::string> reference_variants() {
  std::vector<std::string> names;
  for (const auto& [name, runner] : runners()) names.push_back(name);
  return names;
}

ReferenceResult reference_run(const Scene& scene, const Qkv& qkv) {
  const auto it = runners().find(scene.variant);
  if (it == runners().end())
    throw SceneError("variant: " + scene.variant +
                     " has no LibTorch reference (its paper has no tensor code to transcribe)");
  at::set_num_threads(1);
  return it->second(scene, qkv);
}

std::vector<float> reference_s2_output(const Scene& scene, const Qkv& in) {
  const int64_t B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
  const int64_t shift = scene.effective_shift();
  auto qkv = packed(in);
  auto chunks = qkv.chunk(2, 3);
  qkv = at::cat({chunks[0], chunks[1].roll(shift, 1)}, 3).view({B * N / G, G, 3, H, D});
  auto out = attend_groups(qkv, causal_block_mask(G), false).out.reshape({B, N, H, D});
  auto out_chunks = out.chunk(2, 2);
  return to_vector(at::cat({out_chunks[0], out_chunks[1].roll(-shift, 1)}, 2));
}

}  // namespace attnscope
