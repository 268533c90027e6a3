#include "core/torch/reference.hpp"

#include "core/variants/bigbird_plan.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <array>
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
ReferenceResult s2_reference(const Scene& scene, const Qkv& in, int64_t shift, int64_t unroll,
                             bool token_causal) {
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
  out = at::cat({out_chunks[0], out_chunks[1].roll(unroll, 1)}, 2);

  // Rows follow the output (rolled back by `unroll`), keys their original positions.
  auto frame_weights = block_diagonal(attended.weights, B, N, G);
  auto weight_chunks = frame_weights.chunk(2, 1);
  auto weights = at::cat({weight_chunks[0], weight_chunks[1].roll({unroll, -shift}, {2, 3})}, 1);
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
  for (int64_t b = 0; b < N; b += G) plain.push_back(b);
  plain.push_back(N);  // llama_attn_replace_sft.py: the last segment may be shorter than G
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

// ---- Sparse patterns: dense masks as each paper's code builds them, then plain attention. ----

// q, k, v of a packed (B, N, 3, H, D) tensor as (B, H, N, D).
std::array<at::Tensor, 3> split_qkv(const Qkv& in) {
  auto qkv = packed(in);
  return {qkv.select(2, 0).transpose(1, 2), qkv.select(2, 1).transpose(1, 2),
          qkv.select(2, 2).transpose(1, 2)};
}

// openai/sparse_attention attention_impl: w = w * mask + -1e9 * (1 - mask); mask (H, N, N) of 0/1.
ReferenceResult openai_attention(const Qkv& in, const at::Tensor& mask) {
  auto [q, k, v] = split_qkv(in);
  auto w = at::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(in.d)));
  w = w * mask + -1e9 * (1 - mask);
  w = at::softmax(w, -1);
  auto a = at::matmul(w, v).transpose(1, 2);  // (B, N, H, D)
  return {to_vector(a), to_vector(w)};
}

// get_attn_mask(n, 'local', bandwidth) and get_attn_mask(n, 'strided', stride).
at::Tensor openai_mask(int64_t n, const std::string& mode, int64_t ctx) {
  if (mode == "local") {
    const int64_t band = std::min(n - 1, ctx - 1);
    return at::ones({n, n}).tril().triu(-band);  // tf.matrix_band_part(ones, band, 0)
  }
  auto x = at::arange(n, at::kLong).view({n, 1});
  auto y = x.t();
  auto z = at::zeros({n, n}, at::kLong);
  auto q = z + x, k = z + y;
  return at::logical_and(q >= k, at::remainder(q - k, ctx) == 0).to(at::kFloat);
}

int64_t stride_param(const Scene& scene) {
  const std::string text = scene_param_text(scene, "stride");
  return text.empty() ? std::max<int64_t>(1, static_cast<int64_t>(std::sqrt(double(scene.n))))
                      : scene_param_int(scene, "stride");
}

ReferenceResult window_reference(const Scene& scene, const Qkv& in) {
  auto mask = openai_mask(scene.n, "local", scene_param_int(scene, "window"));
  return openai_attention(in, mask.expand({scene.heads, scene.n, scene.n}));
}

// Even heads use the 'local' mask, odd heads the 'strided' one (§4.3's two factorised heads).
ReferenceResult strided_reference(const Scene& scene, const Qkv& in) {
  const int64_t l = stride_param(scene);
  std::vector<at::Tensor> heads;
  for (int h = 0; h < scene.heads; ++h) heads.push_back(openai_mask(scene.n, h % 2 ? "strided" : "local", l));
  return openai_attention(in, at::stack(heads));
}

// get_attn_mask has no 'fixed' mode; A1 and A2 of §4.3 written in the same tensor style.
ReferenceResult fixed_reference(const Scene& scene, const Qkv& in) {
  const int64_t n = scene.n, l = stride_param(scene), c = scene_param_int(scene, "c");
  auto x = at::arange(n, at::kLong).view({n, 1});
  auto q = at::zeros({n, n}, at::kLong) + x, k = at::zeros({n, n}, at::kLong) + x.t();
  auto causal = q >= k;
  auto own_block = at::logical_and(causal, at::floor_divide(k, l) == at::floor_divide(q, l));
  auto summary = at::logical_and(causal, at::remainder(k, l) >= l - c);
  std::vector<at::Tensor> heads;
  for (int h = 0; h < scene.heads; ++h) heads.push_back((h % 2 ? summary : own_block).to(at::kFloat));
  return openai_attention(in, at::stack(heads));
}

// Attention with a boolean keep mask (H, N, N); rows that keep nothing give weight 0.
ReferenceResult keep_mask_attention(const Qkv& in, const at::Tensor& keep) {
  auto [q, k, v] = split_qkv(in);
  auto scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(in.d));
  auto w = at::softmax(scores.masked_fill(keep.logical_not(), -std::numeric_limits<float>::infinity()), -1);
  w = at::nan_to_num(w, 0.0);
  auto a = at::matmul(w, v).transpose(1, 2);
  return {to_vector(a), to_vector(w)};
}

// StartRecentKVCache: after each step keep [0, start) and [L - recent, L) of the cache; the step
// attends over the cache plus its own token. recent_size = W - 1 (the query is the W-th key).
ReferenceResult streaming_reference(const Scene& scene, const Qkv& in) {
  const int64_t n = scene.n, start = scene_param_int(scene, "sinks");
  const int64_t recent = scene_param_int(scene, "window") - 1;
  auto keep = at::zeros({n, n}, at::kBool);
  auto cache = at::empty({0}, at::kLong);
  for (int64_t t = 0; t < n; ++t) {
    cache = at::cat({cache, at::full({1}, t, at::kLong)});
    keep.select(0, t).index_fill_(0, cache, true);
    const int64_t length = cache.size(0);
    if (length > start + recent)
      cache = at::cat({cache.slice(0, 0, start), cache.slice(0, length - recent, length)});
  }
  return keep_mask_attention(in, keep.expand({scene.heads, n, n}));
}

// H2OKVCache_LayerWise for sequence 0, one head at a time: attend over cache ∪ {t}, add the
// weights to the scores, then keep the top-hh of the older keys and the last `recent`.
ReferenceResult h2o_reference(const Scene& scene, const Qkv& in) {
  const int64_t n = scene.n, hh = scene_param_int(scene, "hh"), recent = scene_param_int(scene, "recent");
  auto [q, k, v] = split_qkv(in);
  auto keep = at::zeros({scene.heads, n, n}, at::kBool);
  const double scale = 1.0 / std::sqrt(static_cast<double>(in.d));
  for (int64_t h = 0; h < scene.heads; ++h) {
    auto cache = at::empty({0}, at::kLong);
    auto hh_score = at::empty({0}, at::kFloat);
    for (int64_t t = 0; t < n; ++t) {
      cache = at::cat({cache, at::full({1}, t, at::kLong)});
      keep.select(0, h).select(0, t).index_fill_(0, cache, true);
      auto scores = at::matmul(k.select(0, 0).select(0, h).index_select(0, cache),
                               q.select(0, 0).select(0, h).select(0, t)) * scale;
      auto attn = at::softmax(scores, -1);
      hh_score = at::cat({hh_score, at::zeros({1})}) + attn;  // the new column starts from its own sum
      const int64_t length = cache.size(0);
      if (length > hh + recent) {
        auto selected = std::get<1>(hh_score.slice(0, 0, length - recent).topk(hh, -1));
        selected = std::get<0>(selected.sort());
        auto keep_idx = at::cat({selected, at::arange(length - recent, length, at::kLong)});
        cache = cache.index_select(0, keep_idx);
        hh_score = hh_score.index_select(0, keep_idx);
      }
    }
  }
  return keep_mask_attention(in, keep);
}

// full_bigbird_mask with the variant's random blocks, then original_full_attention's -10000 adder.
ReferenceResult bigbird_reference(const Scene& scene, const Qkv& in) {
  const BigBirdPlan plan = bigbird_plan(scene);
  const int64_t n = scene.n, b = plan.block, nb = plan.blocks;
  std::vector<at::Tensor> heads;
  for (int h = 0; h < scene.heads; ++h) {
    auto attn_mask = at::zeros({n, n}, at::kInt);
    for (int64_t i = 1; i < nb - 1; ++i) {
      attn_mask.slice(0, i * b, (i + 1) * b).slice(1, (i - 1) * b, (i + 2) * b).fill_(1);
      for (int64_t j : plan.random_blocks(h, static_cast<int>(i)))
        attn_mask.slice(0, i * b, (i + 1) * b).slice(1, j * b, (j + 1) * b).fill_(1);
    }
    attn_mask.slice(0, 0, b).fill_(1);
    attn_mask.slice(1, 0, b).fill_(1);
    attn_mask.slice(1, n - b, n).fill_(1);
    attn_mask.slice(0, n - b, n).fill_(1);
    heads.push_back(attn_mask);
  }
  auto mask = at::stack(heads).to(at::kFloat);
  auto [q, k, v] = split_qkv(in);
  auto scores = at::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(static_cast<double>(in.d)));
  scores = scores + (1.0 - mask) * -10000.0;
  auto probs = at::softmax(scores, -1);
  return {to_vector(at::matmul(probs, v).transpose(1, 2)), to_vector(probs)};
}

// torchscale DilatedAttention: per (segment, ratio) gathering -> dense_to_sparse -> causal
// attention in each sparse segment -> sparse_to_dense -> outputs mixed by softmax of the LSEs.
// The same dense_to_sparse applied to token positions maps every sparse slot back to its token.
at::Tensor dense_to_sparse(at::Tensor x, int64_t ratio, int64_t heads) {
  // x: (b, l, h, d) -> rearrange 'b (l r1) (r2 h) d -> b l h d r1 r2', diagonal, 'b l h d r -> b l (r h) d'
  const int64_t length = x.size(1);
  const int64_t pad = (ratio - length % ratio) % ratio, head_pad = (ratio - heads % ratio) % ratio;
  x = at::constant_pad_nd(x, {0, 0, 0, head_pad, 0, pad}, 0);
  const int64_t b = x.size(0), l = x.size(1) / ratio, h = x.size(2) / ratio, d = x.size(3);
  x = x.view({b, l, ratio, ratio, h, d}).permute({0, 1, 4, 5, 2, 3});
  x = at::diagonal(x, 0, 4, 5);                                   // (b, l, h, d, r)
  x = x.permute({0, 1, 4, 2, 3}).reshape({b, l, ratio * h, d});   // (b, l, r·h, d)
  return x.slice(2, 0, heads);
}

ReferenceResult longnet_reference(const Scene& scene, const Qkv& in) {
  const int64_t B = scene.batch, N = scene.n, H = scene.heads, D = scene.d;
  const auto segments = scene_param_int_list(scene, "segments");
  const auto ratios = scene_param_int_list(scene, "ratios");
  auto qkv = packed(in);
  auto pos = at::arange(N, at::kFloat).view({1, N, 1, 1}).expand({B, N, H, 1});
  std::vector<at::Tensor> outs, lses, weights;
  for (size_t p = 0; p < segments.size(); ++p) {
    const int64_t sl = std::min<int64_t>(segments[p], N), dr = ratios[p];
    const int64_t pad = (sl - N % sl) % sl;
    auto gather = [&](const at::Tensor& x) {  // gathering(): (B, N, H, ·) -> (B·n, l, H, ·)
      auto padded = at::constant_pad_nd(x, {0, 0, 0, 0, 0, pad}, -1);
      auto segmented = padded.reshape({B * (N + pad) / sl, sl, H, x.size(3)});
      return dense_to_sparse(segmented, dr, H);
    };
    auto q = gather(qkv.select(2, 0)), k = gather(qkv.select(2, 1)), v = gather(qkv.select(2, 2));
    auto token = gather(pos).squeeze(-1).to(at::kLong);  // (B·n, l, H): token of each sparse slot
    auto qh = q.transpose(1, 2), kh = k.transpose(1, 2), vh = v.transpose(1, 2);  // (B·n, H, l, D)
    auto scores = at::matmul(qh, kh.transpose(-2, -1)) / std::sqrt(static_cast<double>(D));
    const int64_t l = scores.size(-1);
    auto masked = at::ones({l, l}, at::kBool).triu(1);  // is_causal inside the sparse segment
    auto tok = token.transpose(1, 2);                   // (B·n, H, l)
    masked = at::logical_or(masked, (tok < 0).unsqueeze(-2));  // padding slots are never keys
    scores = scores.masked_fill(masked, -std::numeric_limits<float>::infinity());
    auto lse = at::logsumexp(scores, -1);  // (B·n, H, l)
    auto probs = at::nan_to_num(at::softmax(scores, -1), 0.0);
    auto out = at::matmul(probs, vh);  // (B·n, H, l, D)
    // sparse_to_dense: scatter every sparse slot back to its token; unselected tokens get out 0
    // and lse -1e8.
    auto dense_out = at::zeros({B, H, N, D});
    auto dense_lse = at::full({B, H, N}, -1e8);
    auto dense_w = at::zeros({B, H, N, N});
    const int64_t segs = (N + pad) / sl;
    for (int64_t bn = 0; bn < B * segs; ++bn)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t i = 0; i < l; ++i) {
          const int64_t t = tok[bn][h][i].item<int64_t>();
          if (t < 0) continue;
          const int64_t b = bn / segs;
          dense_out[b][h][t].copy_(out[bn][h][i]);
          dense_lse[b][h][t] = lse[bn][h][i];
          for (int64_t j = 0; j < l; ++j) {
            const int64_t kt = tok[bn][h][j].item<int64_t>();
            if (kt >= 0) dense_w[b][h][t][kt] = probs[bn][h][i][j];
          }
        }
    outs.push_back(dense_out);
    lses.push_back(dense_lse);
    weights.push_back(dense_w);
  }
  // scattering(): weights softmax over the pairs' lse, then the weighted sum of the outputs.
  auto alpha = at::softmax(at::stack(lses), 0);  // (P, B, H, N)
  auto out = at::zeros({B, H, N, D});
  auto w = at::zeros({B, H, N, N});
  for (size_t p = 0; p < outs.size(); ++p) {
    out += outs[p] * alpha[p].unsqueeze(-1);
    w += weights[p] * alpha[p].unsqueeze(-1);
  }
  return {to_vector(out.transpose(1, 2)), to_vector(w)};
}

// torch.topk over the causal scores of sequence 0, scattered into a keep mask.
ReferenceResult topk_reference(const Scene& scene, const Qkv& in) {
  const int64_t n = scene.n, kk = scene_param_int(scene, "topk");
  auto [q, k, v] = split_qkv(in);
  auto scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(in.d));
  auto causal = at::ones({n, n}, at::kBool).triu(1);
  auto masked = scores.select(0, 0).masked_fill(causal, -std::numeric_limits<float>::infinity());
  auto keep = at::zeros({scene.heads, n, n}, at::kBool);
  for (int64_t t = 0; t < n; ++t) {
    auto idx = std::get<1>(masked.select(1, t).topk(std::min(kk, t + 1), -1));  // (H, K)
    keep.select(1, t).scatter_(-1, idx, true);
  }
  return keep_mask_attention(in, keep);
}

using Runner = std::function<ReferenceResult(const Scene&, const Qkv&)>;

const std::map<std::string, Runner>& runners() {
  static const std::map<std::string, Runner> table = {
      {"full", full_reference},
      {"short", short_reference},
      {"s2",
       [](const Scene& s, const Qkv& q) {
         const int64_t unroll = s.params.count("unroll") ? std::stoll(s.params.at("unroll"))
                                                         : -s.effective_shift();
         return s2_reference(s, q, s.effective_shift(), unroll, false);
       }},
      {"s2-fix-mask",
       [](const Scene& s, const Qkv& q) { return s2_reference(s, q, s.effective_shift(), -s.effective_shift(), true); }},
      {"s2-fix-split", s2_split_reference},
      {"window", window_reference},
      {"strided", strided_reference},
      {"fixed", fixed_reference},
      {"streaming", streaming_reference},
      {"h2o", h2o_reference},
      {"bigbird", bigbird_reference},
      {"longnet", longnet_reference},
      {"topk", topk_reference},
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
