#include "tests/differential/lab_autograd.hpp"

#include <torch/torch.h>

#include <cmath>
#include <limits>

namespace attnscope {

namespace {

// A head's mask as the model adds it to the scores: 0 where a key is allowed, −inf elsewhere.
// A row with no allowed key would give softmax NaN: it gets 0 everywhere and `keep` zeroes its
// weights. A position whose row was computed for another query reads that query's q through
// `query_index`.
struct AttentionMask {
  at::Tensor additive;     // (H, N, N), or (B, H, N, N) for a routed layer
  at::Tensor keep;         // (H, N, 1) or (B, H, N, 1), undefined when every row allows a key
  at::Tensor query_index;  // (H, N) or (B, H, N), undefined when every position is its own query
};

AttentionMask attention_mask(const LabLayerMasks& layer) {
  const auto& masks = layer.masks;
  const auto& output_query = layer.output_query;
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
      for (const Run run : mask.row(p))
        for (int32_t k = run.begin; k < run.end; ++k) a[h][p][k] = 0;
    }
  return {additive, any_empty ? keep : at::Tensor(), any_moved ? query_index : at::Tensor()};
}

// A routed layer's masks: each sequence's own, selected from the packed q, k, v (B, N, 3, H, D).
AttentionMask routed_mask(const LabRoute& route, const at::Tensor& qkv) {
  const at::Tensor packed = qkv.detach().contiguous();
  const int64_t batch = packed.size(0), sequence = packed[0].numel();
  std::vector<AttentionMask> each;
  bool any_keep = false, any_moved = false;
  for (int64_t b = 0; b < batch; ++b) {
    each.push_back(attention_mask(route(packed.data_ptr<float>() + b * sequence)));
    any_keep |= each.back().keep.defined();
    any_moved |= each.back().query_index.defined();
  }
  std::vector<at::Tensor> additive, keep, query_index;
  for (const AttentionMask& m : each) {
    const int64_t heads = m.additive.size(0), n = m.additive.size(1);
    additive.push_back(m.additive);
    keep.push_back(m.keep.defined() ? m.keep : at::ones({heads, n, 1}, at::kFloat));
    query_index.push_back(m.query_index.defined() ? m.query_index : at::arange(n, at::kLong).repeat({heads, 1}));
  }
  return {at::stack(additive), any_keep ? at::stack(keep) : at::Tensor(),
          any_moved ? at::stack(query_index) : at::Tensor()};
}

// q, k, v: (B, H, N, D) -> (B, H, N, D).
at::Tensor attend(at::Tensor q, const at::Tensor& k, const at::Tensor& v, const AttentionMask& mask) {
  if (mask.query_index.defined()) {
    const int64_t batch = mask.query_index.dim() == 3 ? q.size(0) : 1;
    q = q.gather(2, mask.query_index.view({batch, q.size(1), q.size(2), 1}).expand_as(q));
  }
  auto scores = at::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(q.size(-1)));
  auto weights = at::softmax(scores + mask.additive, -1);
  if (mask.keep.defined()) weights = weights * mask.keep;
  return at::matmul(weights, v);
}

// The parameters as leaf tensors, in lab_parameter_layout's order.
std::vector<torch::Tensor> leaves(const LabShape& shape, const std::vector<float>& parameters) {
  std::vector<torch::Tensor> all;
  for (const LabParameter& p : lab_parameter_layout(shape))
    all.push_back(at::from_blob(const_cast<float*>(parameters.data() + p.offset), p.shape, at::kFloat)
                      .clone()
                      .requires_grad_());
  return all;
}

// tokens (B, N) -> logits (B, N, V) with the stream kept as (B·N, d).
at::Tensor forward(const LabShape& s, const std::vector<torch::Tensor>& w, const at::Tensor& tokens,
                   const std::vector<AttentionMask>& masks, const LabRoutes& routes) {
  const int64_t B = tokens.size(0), N = tokens.size(1), d = s.d_model, H = s.heads, D = d / H;
  auto x = (at::embedding(w[0], tokens) + w[1]).view({B * N, d});
  size_t i = 2;
  for (int l = 0; l < s.layers; ++l, i += 12) {
    auto h = at::layer_norm(x, {d}, w[i], w[i + 1]);
    auto qkv = at::addmm(w[i + 3], h, w[i + 2].t()).view({B, N, 3, H, D});
    auto q = qkv.select(2, 0), k = qkv.select(2, 1), v = qkv.select(2, 2);  // (B, N, H, D)
    const bool routed = static_cast<size_t>(l) < routes.size() && routes[static_cast<size_t>(l)];
    const AttentionMask mask = routed ? routed_mask(routes[static_cast<size_t>(l)], qkv) : masks[l];
    auto attended = attend(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), mask);
    x = x + at::addmm(w[i + 5], attended.transpose(1, 2).reshape({B * N, d}), w[i + 4].t());
    h = at::layer_norm(x, {d}, w[i + 6], w[i + 7]);
    x = x + at::addmm(w[i + 11], at::gelu(at::addmm(w[i + 9], h, w[i + 8].t())), w[i + 10].t());
  }
  return at::addmm(w[i + 3], at::layer_norm(x, {d}, w[i], w[i + 1]), w[i + 2].t()).view({B, N, -1});
}

std::vector<float> flat(const std::vector<torch::Tensor>& tensors, bool gradients) {
  std::vector<float> all;
  for (const auto& t : tensors) {
    auto c = (gradients ? t.grad() : t).detach().contiguous();
    all.insert(all.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return all;
}

}  // namespace

LabAutogradRun lab_autograd_run(const LabShape& shape, const std::vector<float>& parameters,
                                const std::vector<LabLayerMasks>& layers, const std::vector<int64_t>& tokens,
                                int steps, double lr, const LabRoutes& routes) {
  std::vector<AttentionMask> masks;
  for (const LabLayerMasks& layer : layers) masks.push_back(attention_mask(layer));
  const std::vector<torch::Tensor> w = leaves(shape, parameters);
  const int64_t batch = static_cast<int64_t>(tokens.size()) / shape.n;
  const at::Tensor t = at::from_blob(const_cast<int64_t*>(tokens.data()), {batch, shape.n}, at::kLong).clone();
  torch::optim::Adam adam(w, torch::optim::AdamOptions(lr));
  LabAutogradRun run;
  for (int step = 0; step < steps; ++step) {
    adam.zero_grad();
    const auto logits = forward(shape, w, t, masks, routes);
    const int64_t N = shape.n;
    auto loss = at::cross_entropy_loss(logits.slice(1, 0, N - 1).reshape({batch * (N - 1), shape.vocab}),
                                       t.slice(1, 1, N).reshape({batch * (N - 1)}));
    loss.backward();
    if (step == 0) {
      run.loss = loss.item<double>();
      run.gradients = flat(w, true);
    }
    adam.step();
  }
  run.parameters = flat(w, false);
  return run;
}

}  // namespace attnscope
