#include "core/torch/lab_model.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

// oneDNN's row-major single-precision product, as dnnl.h declares it. Debian's LibTorch links
// oneDNN without shipping its headers; at the lab's shapes ((B·N, d) by (d, 4·d)) its kernels take
// a sixth less time than OpenBLAS's.
extern "C" int dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

namespace attnscope {

namespace {

// c (m, n) = alpha·op(a)·op(b) + beta·c, row-major, op transposing where asked.
void gemm(bool transpose_a, bool transpose_b, int m, int n, int k, const float* a, const float* b, float beta, float* c) {
  dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.f, a, transpose_a ? m : k, b,
             transpose_b ? k : n, beta, c, n);
}

// The parameters of a block, in the saving order; each block's index in the layout is
// kFirstBlock + layer · kBlockParameters + one of these.
enum BlockParameter { kLn1W, kLn1B, kQkvW, kQkvB, kOutW, kOutB, kLn2W, kLn2B, kUpW, kUpB, kDownW, kDownB,
                      kBlockParameters };
constexpr size_t kToken = 0, kPosition = 1, kFirstBlock = 2;
size_t block_index(int layer, BlockParameter p) { return kFirstBlock + static_cast<size_t>(layer) * kBlockParameters + p; }
size_t final_index(const LabShape& s, int offset) { return kFirstBlock + static_cast<size_t>(s.layers) * kBlockParameters + offset; }
enum FinalParameter { kNormW, kNormB, kHeadW, kHeadB };

constexpr float kLayerNormEps = 1e-5f;  // torch.nn.functional.layer_norm's default

// y += a · x. The buffers never overlap; `omp simd` says so, which the compiler cannot prove.
void axpy(float a, const float* x, float* y, int n) {
#pragma omp simd
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

// y (rows, out) = x (rows, in) · wᵀ + bias, w being (out, in) as torch.nn.Linear keeps it.
void linear(const float* x, const float* w, const float* bias, float* y, int rows, int in, int out) {
  for (int r = 0; r < rows; ++r) std::memcpy(y + static_cast<size_t>(r) * out, bias, sizeof(float) * out);
  gemm(false, true, rows, out, in, x, w, 1.f, y);
}

// From dy (rows, out): dw = dyᵀ · x, d_bias = Σ dy, and dx = dy · w unless dx is null.
void linear_backward(const float* x, const float* w, const float* dy, float* dw, float* d_bias, float* dx, int rows,
                     int in, int out) {
  gemm(true, false, out, in, rows, dy, x, 0.f, dw);
  std::fill(d_bias, d_bias + out, 0.f);
  for (int r = 0; r < rows; ++r) {
    axpy(1.f, dy + static_cast<size_t>(r) * out, d_bias, out);
  }
  if (dx) gemm(false, false, rows, in, out, dy, w, 0.f, dx);
}

// y = (x − mean) / sqrt(var + eps) · w + b per row, keeping x̂ and 1/sqrt(var + eps) for the backward.
void layer_norm(const float* x, const float* w, const float* b, float* xhat, float* rstd, float* y, int rows, int d) {
  for (int r = 0; r < rows; ++r) {
    const float* in = x + static_cast<size_t>(r) * d;
    float mean = 0, var = 0;
#pragma omp simd reduction(+ : mean)
    for (int i = 0; i < d; ++i) mean += in[i];
    mean /= static_cast<float>(d);
#pragma omp simd reduction(+ : var)
    for (int i = 0; i < d; ++i) var += (in[i] - mean) * (in[i] - mean);
    const float s = 1.f / std::sqrt(var / static_cast<float>(d) + kLayerNormEps);
    rstd[r] = s;
    float* xh = xhat + static_cast<size_t>(r) * d;
    float* out = y + static_cast<size_t>(r) * d;
#pragma omp simd
    for (int i = 0; i < d; ++i) {
      xh[i] = (in[i] - mean) * s;
      out[i] = xh[i] * w[i] + b[i];
    }
  }
}

// From dy: dw, db (overwritten) and dx += the gradient through the normalisation.
void layer_norm_backward(const float* xhat, const float* rstd, const float* w, const float* dy, float* dw, float* db,
                         float* dx, int rows, int d) {
  std::fill(dw, dw + d, 0.f);
  std::fill(db, db + d, 0.f);
  for (int r = 0; r < rows; ++r) {
    const float* xh = xhat + static_cast<size_t>(r) * d;
    const float* g = dy + static_cast<size_t>(r) * d;
    float sum = 0, dot = 0;
#pragma omp simd reduction(+ : sum, dot)
    for (int i = 0; i < d; ++i) {
      const float gw = g[i] * w[i];
      sum += gw;
      dot += gw * xh[i];
      dw[i] += g[i] * xh[i];
      db[i] += g[i];
    }
    sum /= static_cast<float>(d);
    dot /= static_cast<float>(d);
    float* out = dx + static_cast<size_t>(r) * d;
#pragma omp simd
    for (int i = 0; i < d; ++i) out[i] += rstd[r] * (g[i] * w[i] - sum - xh[i] * dot);
  }
}

// e^y for y ≤ 0 to float precision, in a form `omp simd` loops vectorise: 2^n · e^r with
// |r| ≤ ln 2 / 2, e^r by its Taylor polynomial to r^6 (relative error below 2e-7).
inline float exp_nonpositive(float y) {
  y = std::max(y, -87.f);
  const float n = std::floor(y * 1.44269504f + 0.5f);
  const float r = (y - n * 0.693145752f) - n * 1.42860677e-6f;  // ln 2 in two parts
  const float p = (((((r * (1.f / 720) + 1.f / 120) * r + 1.f / 24) * r + 1.f / 6) * r + 0.5f) * r + 1.f) * r + 1.f;
  return p * std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);
}

// GELU with the exact erf, as at::gelu's default: u · Φ(u). The forward keeps its slope,
// Φ(u) + u · φ(u), so that the backward is one product. Φ through Abramowitz and Stegun's 7.1.26
// for erf (absolute error below 1.5e-7).
void gelu_with_slope(float* u_then_slope, float* out, int64_t size) {
#pragma omp simd
  for (int64_t i = 0; i < size; ++i) {
    const float u = u_then_slope[i];
    const float x = std::abs(u) * 0.707106781f;
    const float t = 1.f / (1.f + 0.3275911f * x);
    const float gauss = exp_nonpositive(-x * x);  // e^(−u²/2)
    const float poly = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t +
                        0.254829592f) * t;
    const float erf = std::copysign(1.f - poly * gauss, u);
    const float cdf = 0.5f * (1.f + erf);
    out[i] = u * cdf;
    u_then_slope[i] = cdf + u * gauss * 0.398942280f;  // φ(u) = e^(−u²/2) / sqrt(2π)
  }
}

float dot(const float* a, const float* b, int n) {
  float s = 0;
#pragma omp simd reduction(+ : s)
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// Rows of the packed (rows, 3, H, D) q, k, v.
struct Packed {
  const float* data;
  int heads, head_dim;
  const float* at(int row, int part, int head) const {
    return data + (static_cast<size_t>(row) * 3 * heads + static_cast<size_t>(part) * heads + head) * head_dim;
  }
};

// One sequence's attention: packed q, k, v (N, 3, H, D) -> outputs (N, H, D) and weights (H, N, N).
void attention_forward(const float* qkv, float* out, float* weights, const LabMask& mask, int head_dim) {
  const int n = mask.n, heads = mask.heads, d = heads * head_dim;
  const float scale = 1.f / std::sqrt(static_cast<float>(head_dim));
  const Packed in{qkv, heads, head_dim};
  for (int h = 0; h < heads; ++h)
    for (int p = 0; p < n; ++p) {
      const size_t row = static_cast<size_t>(h) * n + p;
      float* w = weights + row * n;
      float* o = out + static_cast<size_t>(p) * d + static_cast<size_t>(h) * head_dim;
      std::fill(o, o + head_dim, 0.f);
      if (!mask.has_key[row]) {
        std::fill(w, w + n, 0.f);
        continue;
      }
      const uint8_t* allowed = mask.allowed.data() + row * n;
      const float* q = in.at(mask.query[row], 0, h);
      float top = -std::numeric_limits<float>::infinity();
      for (int k = 0; k < n; ++k)
        if (allowed[k]) top = std::max(top, w[k] = dot(q, in.at(k, 1, h), head_dim) * scale);
      float total = 0;
      for (int k = 0; k < n; ++k) total += (w[k] = allowed[k] ? std::exp(w[k] - top) : 0.f);
      for (int k = 0; k < n; ++k) {
        if (!allowed[k]) continue;
        w[k] /= total;
        axpy(w[k], in.at(k, 2, h), o, head_dim);
      }
    }
}

// The gradient of one sequence's attention: from the outputs' gradient d_out (N, H, D) into the
// packed q, k, v's gradient d_qkv (N, 3, H, D), zeroed by the caller.
void attention_backward(const float* qkv, const float* weights, const float* d_out, float* d_qkv, const LabMask& mask,
                        int head_dim, float* d_weights) {
  const int n = mask.n, heads = mask.heads, d = heads * head_dim;
  const Packed in{qkv, heads, head_dim};
  const float scale = 1.f / std::sqrt(static_cast<float>(head_dim));
  const auto grad = [&](int row, int part, int head) {
    return d_qkv + (static_cast<size_t>(row) * 3 * heads + static_cast<size_t>(part) * heads + head) * head_dim;
  };
  for (int h = 0; h < heads; ++h)
    for (int p = 0; p < n; ++p) {
      const size_t row = static_cast<size_t>(h) * n + p;
      if (!mask.has_key[row]) continue;
      const float* w = weights + row * n;
      const float* g = d_out + static_cast<size_t>(p) * d + static_cast<size_t>(h) * head_dim;
      const uint8_t* allowed = mask.allowed.data() + row * n;
      float total = 0;
      for (int k = 0; k < n; ++k) {
        d_weights[k] = allowed[k] ? dot(g, in.at(k, 2, h), head_dim) : 0.f;
        total += w[k] * d_weights[k];
      }
      const int query = mask.query[row];
      const float* q = in.at(query, 0, h);
      float* dq = grad(query, 0, h);
      for (int k = 0; k < n; ++k) {
        if (!allowed[k]) continue;
        const float ds = w[k] * (d_weights[k] - total) * scale;
        const float* key = in.at(k, 1, h);
        float* dk = grad(k, 1, h);
        float* dv = grad(k, 2, h);
        axpy(ds, key, dq, head_dim);
        axpy(ds, q, dk, head_dim);
        axpy(w[k], g, dv, head_dim);
      }
    }
}

}  // namespace

std::vector<LabParameter> lab_parameter_layout(const LabShape& s) {
  const int64_t d = s.d_model, v = s.vocab;
  std::vector<std::pair<std::string, std::vector<int64_t>>> named = {{"embedding.token", {v, d}},
                                                                     {"embedding.position", {s.n, d}}};
  for (int l = 0; l < s.layers; ++l) {
    const std::string p = fmt::format("layers.{}.", l);
    named.insert(named.end(), {{p + "norm1.weight", {d}}, {p + "norm1.bias", {d}},
                               {p + "attention.in_proj.weight", {3 * d, d}}, {p + "attention.in_proj.bias", {3 * d}},
                               {p + "attention.out_proj.weight", {d, d}}, {p + "attention.out_proj.bias", {d}},
                               {p + "norm2.weight", {d}}, {p + "norm2.bias", {d}},
                               {p + "mlp.up.weight", {4 * d, d}}, {p + "mlp.up.bias", {4 * d}},
                               {p + "mlp.down.weight", {d, 4 * d}}, {p + "mlp.down.bias", {d}}});
  }
  named.insert(named.end(), {{"norm.weight", {d}}, {"norm.bias", {d}}, {"head.weight", {v, d}}, {"head.bias", {v}}});
  std::vector<LabParameter> layout;
  size_t offset = 0;
  for (auto& [name, shape] : named) {
    size_t size = 1;
    for (int64_t extent : shape) size *= static_cast<size_t>(extent);
    layout.push_back({name, shape, offset, size});
    offset += size;
  }
  return layout;
}

LabMask lab_mask(const LabLayerMasks& layer) {
  const auto& masks = layer.masks;
  const auto& output_query = layer.output_query;
  LabMask m;
  m.heads = static_cast<int>(masks.size());
  m.n = masks.front().rows();
  const size_t rows = static_cast<size_t>(m.heads) * m.n;
  m.allowed.assign(rows * m.n, 0);
  m.has_key.assign(rows, 0);
  m.query.resize(rows);
  for (int h = 0; h < m.heads; ++h) {
    const bool moved = h < static_cast<int>(output_query.size()) && !output_query[h].empty();
    for (int p = 0; p < m.n; ++p) {
      const size_t row = static_cast<size_t>(h) * m.n + p;
      m.query[row] = moved ? output_query[h][p] : p;
      m.has_key[row] = masks[h].row_count(p) > 0;
      for (const Run run : masks[h].row(p))
        std::fill(m.allowed.begin() + static_cast<std::ptrdiff_t>(row * m.n + run.begin),
                  m.allowed.begin() + static_cast<std::ptrdiff_t>(row * m.n + run.end), 1);
    }
  }
  return m;
}

LabMask lab_causal_mask(int heads, int n) {
  LabMask m;
  m.heads = heads;
  m.n = n;
  m.allowed.assign(static_cast<size_t>(heads) * n * n, 0);
  m.has_key.assign(static_cast<size_t>(heads) * n, 1);
  m.query.resize(static_cast<size_t>(heads) * n);
  for (int h = 0; h < heads; ++h)
    for (int p = 0; p < n; ++p) {
      m.query[static_cast<size_t>(h) * n + p] = p;
      std::fill_n(m.allowed.begin() + static_cast<std::ptrdiff_t>((static_cast<size_t>(h) * n + p) * n), p + 1, 1);
    }
  return m;
}

void lab_attention_forward(const float* qkv, float* out, float* weights, int batch, const LabMask& mask, int head_dim) {
  const size_t sequence = static_cast<size_t>(mask.n) * mask.heads * head_dim;
  const size_t sequence_weights = static_cast<size_t>(mask.heads) * mask.n * mask.n;
  for (int b = 0; b < batch; ++b)
    attention_forward(qkv + b * 3 * sequence, out + b * sequence, weights + b * sequence_weights, mask, head_dim);
}

LabModel::LabModel(const LabShape& shape, uint64_t seed) : shape_(shape), layout_(lab_parameter_layout(shape)) {
  const size_t total = layout_.back().offset + layout_.back().size;
  parameters_.assign(total, 0.f);
  gradients_.assign(total, 0.f);
  moment1_.assign(total, 0.f);
  moment2_.assign(total, 0.f);
  // GPT-2's initialisation: N(0, 0.02), the projections into the residual stream scaled by
  // 1/sqrt(2·layers) so that the stream's variance does not grow with depth; LayerNorm weights 1,
  // biases 0.
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double residual_std = 0.02 / std::sqrt(2.0 * shape.layers);
  const auto normal = [&](size_t index, double std) {
    at::from_blob(parameters_.data() + layout_[index].offset, {static_cast<int64_t>(layout_[index].size)}, at::kFloat)
        .normal_(0, std, gen);
  };
  const auto ones = [&](size_t index) {
    std::fill_n(parameters_.begin() + static_cast<std::ptrdiff_t>(layout_[index].offset), layout_[index].size, 1.f);
  };
  normal(kToken, 0.02);
  normal(kPosition, 0.02);
  for (int l = 0; l < shape.layers; ++l) {
    ones(block_index(l, kLn1W));
    ones(block_index(l, kLn2W));
    normal(block_index(l, kQkvW), 0.02);
    normal(block_index(l, kOutW), residual_std);
    normal(block_index(l, kUpW), 0.02);
    normal(block_index(l, kDownW), residual_std);
  }
  ones(final_index(shape, kNormW));
  normal(final_index(shape, kHeadW), 0.02);

  const size_t rows = static_cast<size_t>(shape.batch) * shape.n, d = shape.d_model;
  const size_t weights = static_cast<size_t>(shape.batch) * shape.heads * shape.n * shape.n;
  for (int l = 0; l < shape.layers; ++l)
    layers_.push_back({std::vector<float>(rows * d), std::vector<float>(rows), std::vector<float>(rows * d),
                       std::vector<float>(rows * 3 * d), std::vector<float>(weights), std::vector<float>(rows * d),
                       std::vector<float>(rows * d), std::vector<float>(rows), std::vector<float>(rows * d),
                       std::vector<float>(rows * 4 * d), std::vector<float>(rows * 4 * d)});
  routed_.resize(static_cast<size_t>(shape.layers));
  stream_.resize(rows * d);
  xhatf_.resize(rows * d);
  rstdf_.resize(rows);
  hf_.resize(rows * d);
  logits_.resize(rows * shape.vocab);
  d_stream_.resize(rows * d);
  d_normed_.resize(rows * d);
  d_qkv_.resize(rows * 3 * d);
  d_attended_.resize(rows * d);
  d_gelu_.resize(rows * 4 * d);
  d_logits_.resize(rows * shape.vocab);
}

void LabModel::forward(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks, const LabRoutes& routes) {
  const int n = shape_.n, d = shape_.d_model, batch = static_cast<int>(tokens.size()) / n;
  const int head_dim = d / shape_.heads;
  const size_t sequence = static_cast<size_t>(n) * d, sequence_weights = static_cast<size_t>(shape_.heads) * n * n;
  rows_ = batch * n;
  const float* token = parameter(kToken);
  const float* position = parameter(kPosition);
  for (int r = 0; r < rows_; ++r) {
    const float* t = token + static_cast<size_t>(tokens[r]) * d;
    const float* p = position + static_cast<size_t>(r % n) * d;
    float* x = stream_.data() + static_cast<size_t>(r) * d;
#pragma omp simd
    for (int i = 0; i < d; ++i) x[i] = t[i] + p[i];
  }
  for (int l = 0; l < shape_.layers; ++l) {
    Layer& a = layers_[l];
    const auto w = [&](BlockParameter p) { return parameter(block_index(l, p)); };
    layer_norm(stream_.data(), w(kLn1W), w(kLn1B), a.xhat1.data(), a.rstd1.data(), a.h1.data(), rows_, d);
    linear(a.h1.data(), w(kQkvW), w(kQkvB), a.qkv.data(), rows_, d, 3 * d);
    // A routed layer selects each sequence's mask from this layer's own q and k.
    std::vector<LabMask>& routed = routed_[static_cast<size_t>(l)];
    routed.clear();
    if (const LabRoute* route = static_cast<size_t>(l) < routes.size() ? &routes[static_cast<size_t>(l)] : nullptr;
        route && *route)
      for (int b = 0; b < batch; ++b) routed.push_back(lab_mask((*route)(a.qkv.data() + b * 3 * sequence)));
    for (int b = 0; b < batch; ++b)
      attention_forward(a.qkv.data() + b * 3 * sequence, a.attended.data() + b * sequence,
                        a.weights.data() + b * sequence_weights, mask_of(masks, l, b), head_dim);
    // The residual: the projection is added onto the stream by the product itself (beta = 1).
    for (int r = 0; r < rows_; ++r) axpy(1.f, w(kOutB), stream_.data() + static_cast<size_t>(r) * d, d);
    gemm(false, true, rows_, d, d, a.attended.data(), w(kOutW), 1.f, stream_.data());
    layer_norm(stream_.data(), w(kLn2W), w(kLn2B), a.xhat2.data(), a.rstd2.data(), a.h2.data(), rows_, d);
    linear(a.h2.data(), w(kUpW), w(kUpB), a.up.data(), rows_, d, 4 * d);
    gelu_with_slope(a.up.data(), a.gelu.data(), static_cast<int64_t>(rows_) * 4 * d);
    for (int r = 0; r < rows_; ++r) axpy(1.f, w(kDownB), stream_.data() + static_cast<size_t>(r) * d, d);
    gemm(false, true, rows_, d, 4 * d, a.gelu.data(), w(kDownW), 1.f, stream_.data());
  }
  layer_norm(stream_.data(), parameter(final_index(shape_, kNormW)), parameter(final_index(shape_, kNormB)),
             xhatf_.data(), rstdf_.data(), hf_.data(), rows_, d);
  linear(hf_.data(), parameter(final_index(shape_, kHeadW)), parameter(final_index(shape_, kHeadB)), logits_.data(),
         rows_, d, shape_.vocab);
}

double LabModel::backward(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks) {
  const int n = shape_.n, d = shape_.d_model, vocab = shape_.vocab, batch = rows_ / n;
  const int head_dim = d / shape_.heads;
  // Cross-entropy of predicting token p + 1 at position p, averaged over batch · (n − 1) rows;
  // the last position predicts nothing.
  const float count = static_cast<float>(batch) * static_cast<float>(n - 1);
  double loss = 0;
  std::fill(d_logits_.begin(), d_logits_.end(), 0.f);
  for (int r = 0; r < rows_; ++r) {
    if (r % n == n - 1) continue;
    const float* z = logits_.data() + static_cast<size_t>(r) * vocab;
    float* dz = d_logits_.data() + static_cast<size_t>(r) * vocab;
    const float top = *std::max_element(z, z + vocab);
    float total = 0;
    for (int c = 0; c < vocab; ++c) total += (dz[c] = std::exp(z[c] - top));
    const int64_t target = tokens[r + 1];
    loss += std::log(total) + top - z[target];
    for (int c = 0; c < vocab; ++c) dz[c] /= total * count;
    dz[target] -= 1.f / count;
  }
  linear_backward(hf_.data(), parameter(final_index(shape_, kHeadW)), d_logits_.data(),
                  gradient(final_index(shape_, kHeadW)), gradient(final_index(shape_, kHeadB)), d_normed_.data(),
                  rows_, d, vocab);
  std::fill(d_stream_.begin(), d_stream_.end(), 0.f);
  layer_norm_backward(xhatf_.data(), rstdf_.data(), parameter(final_index(shape_, kNormW)), d_normed_.data(),
                      gradient(final_index(shape_, kNormW)), gradient(final_index(shape_, kNormB)), d_stream_.data(),
                      rows_, d);
  std::vector<float> d_weights(static_cast<size_t>(n));
  for (int l = shape_.layers - 1; l >= 0; --l) {
    Layer& a = layers_[l];
    const auto w = [&](BlockParameter p) { return parameter(block_index(l, p)); };
    const auto g = [&](BlockParameter p) { return gradient(block_index(l, p)); };
    linear_backward(a.gelu.data(), w(kDownW), d_stream_.data(), g(kDownW), g(kDownB), d_gelu_.data(), rows_, 4 * d, d);
    const float* slope = a.up.data();
    float* d_up = d_gelu_.data();
#pragma omp simd
    for (int64_t i = 0; i < static_cast<int64_t>(rows_) * 4 * d; ++i) d_up[i] *= slope[i];
    linear_backward(a.h2.data(), w(kUpW), d_gelu_.data(), g(kUpW), g(kUpB), d_normed_.data(), rows_, d, 4 * d);
    layer_norm_backward(a.xhat2.data(), a.rstd2.data(), w(kLn2W), d_normed_.data(), g(kLn2W), g(kLn2B),
                        d_stream_.data(), rows_, d);
    linear_backward(a.attended.data(), w(kOutW), d_stream_.data(), g(kOutW), g(kOutB), d_attended_.data(), rows_, d, d);
    std::fill(d_qkv_.begin(), d_qkv_.end(), 0.f);
    const size_t sequence = static_cast<size_t>(n) * d, weights = static_cast<size_t>(shape_.heads) * n * n;
    for (int b = 0; b < batch; ++b)
      attention_backward(a.qkv.data() + b * 3 * sequence, a.weights.data() + b * weights,
                         d_attended_.data() + b * sequence, d_qkv_.data() + b * 3 * sequence, mask_of(masks, l, b),
                         head_dim, d_weights.data());
    linear_backward(a.h1.data(), w(kQkvW), d_qkv_.data(), g(kQkvW), g(kQkvB), d_normed_.data(), rows_, d, 3 * d);
    layer_norm_backward(a.xhat1.data(), a.rstd1.data(), w(kLn1W), d_normed_.data(), g(kLn1W), g(kLn1B),
                        d_stream_.data(), rows_, d);
  }
  float* d_token = gradient(kToken);
  float* d_position = gradient(kPosition);
  std::fill_n(d_token, layout_[kToken].size, 0.f);
  std::fill_n(d_position, layout_[kPosition].size, 0.f);
  for (int r = 0; r < rows_; ++r) {
    const float* dx = d_stream_.data() + static_cast<size_t>(r) * d;
    float* dt = d_token + static_cast<size_t>(tokens[r]) * d;
    float* dp = d_position + static_cast<size_t>(r % n) * d;
    axpy(1.f, dx, dt, d);
    axpy(1.f, dx, dp, d);
  }
  return loss / count;
}

double LabModel::forward_backward(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks,
                                  const LabRoutes& routes) {
  forward(tokens, masks, routes);
  return backward(tokens, masks);
}

void LabModel::adam_step(double lr) {
  // torch::optim::Adam's update, element by element: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
  // p ← p − lr/(1−β₁ᵗ) · m / (sqrt(v)/sqrt(1−β₂ᵗ) + ε).
  constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  ++adam_steps_;
  const float step_size = static_cast<float>(lr / (1 - std::pow(beta1, adam_steps_)));
  const float correction2 = static_cast<float>(std::sqrt(1 - std::pow(beta2, adam_steps_)));
  const float b1 = static_cast<float>(beta1), b2 = static_cast<float>(beta2);
  const float c1 = static_cast<float>(1 - beta1), c2 = static_cast<float>(1 - beta2), e = static_cast<float>(eps);
  float* p = parameters_.data();
  const float* g = gradients_.data();
  float* m = moment1_.data();
  float* v = moment2_.data();
  const size_t size = parameters_.size();
  for (size_t i = 0; i < size; ++i) {
    m[i] = m[i] * b1 + g[i] * c1;
    v[i] = v[i] * b2 + g[i] * g[i] * c2;
    p[i] -= step_size * (m[i] / (std::sqrt(v[i]) / correction2 + e));
  }
}

std::vector<double> LabModel::losses_per_position(const std::vector<int64_t>& tokens, const std::vector<LabMask>& masks,
                                                  const LabRoutes& routes) {
  forward(tokens, masks, routes);
  const int n = shape_.n, vocab = shape_.vocab, batch = rows_ / n;
  std::vector<double> losses(static_cast<size_t>(n - 1), 0.0);
  for (int r = 0; r < rows_; ++r) {
    if (r % n == n - 1) continue;
    const float* z = logits_.data() + static_cast<size_t>(r) * vocab;
    const float top = *std::max_element(z, z + vocab);
    float total = 0;
    for (int c = 0; c < vocab; ++c) total += std::exp(z[c] - top);
    losses[r % n] += std::log(total) + top - z[tokens[r + 1]];
  }
  for (double& loss : losses) loss /= batch;
  return losses;
}

std::vector<LabLayerCapture> LabModel::capture(const std::vector<int64_t>& sequence, const std::vector<LabMask>& masks,
                                               const LabRoutes& routes) {
  forward(sequence, masks, routes);
  const int n = shape_.n, d = shape_.d_model;
  std::vector<LabLayerCapture> layers;
  for (const Layer& a : layers_) {
    LabLayerCapture c;
    for (int p = 0; p < n; ++p) {
      const float* row = a.qkv.data() + static_cast<size_t>(p) * 3 * d;
      c.q.insert(c.q.end(), row, row + d);
      c.k.insert(c.k.end(), row + d, row + 2 * d);
      c.v.insert(c.v.end(), row + 2 * d, row + 3 * d);
    }
    c.weights.assign(a.weights.begin(), a.weights.begin() + static_cast<std::ptrdiff_t>(shape_.heads) * n * n);
    layers.push_back(std::move(c));
  }
  return layers;
}

}  // namespace attnscope
