// Top-k attention: each query keeps the K causal keys with the highest scores. With --pitfall the
// mask is built the way it often is by mistake, from softmax probabilities > 0, which keeps every
// causal key because a softmax is never exactly zero.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/qkv.hpp"
#include "core/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class TopK final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        "topk",
        "top-k attention: each query keeps its K highest-scoring causal keys (data dependent); "
        "--pitfall builds the mask from softmax > 0, which masks nothing",
        "top-k sparse attention (e.g. Gupta et al. 2021, arXiv 2106.06899); torch.topk on the "
        "causal scores",
        {},
        {{"topk", ParamSpec::Kind::Int, "4", "highest-scoring earlier keys kept per query (torch.topk k)"},
         {"pitfall", ParamSpec::Kind::Flag, "false",
          "build the mask as softmax(scores) > 0 instead of from the top-k indices"}},
        140,
        {"h2o", "select-merge", "full"},
        "topk",
        "",  // a LibTorch reference exists (core/torch/reference.cpp)
        "the kept keys depend on the scores of q and k, so its rows are checked against LibTorch, not hand-derived"};
    return info;
  }
  void validate(const Scene& scene) const override {
    keep(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const int kk = keep(scene);
    const bool pitfall = param_flag(scene, "pitfall");
    const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
    VariantBuild out;
    std::vector<float> scores;
    std::vector<int> order;
    for (int h = 0; h < scene.heads; ++h) {
      std::vector<std::vector<int>> rows;
      for (int q = 0; q < scene.n; ++q) {
        const float* qv = qkv.row(0, q, Qkv::Q, h);
        scores.resize(q + 1);
        for (int k = 0; k <= q; ++k)
          scores[k] = std::inner_product(qv, qv + qkv.d, qkv.row(0, k, Qkv::K, h), 0.f) * scale;
        std::vector<int> keys;
        if (pitfall) {
          const float top = *std::max_element(scores.begin(), scores.end());
          float sum = 0.f;
          for (float& s : scores) sum += (s = std::exp(s - top));
          for (int k = 0; k <= q; ++k)
            if (scores[k] / sum > 0.f) keys.push_back(k);
        } else {
          order.resize(q + 1);
          std::iota(order.begin(), order.end(), 0);
          const int take = std::min(kk, q + 1);
          // Highest score first; ties go to the earlier key.
          std::partial_sort(order.begin(), order.begin() + take, order.end(), [&](int a, int b) {
            return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
          });
          keys.assign(order.begin(), order.begin() + take);
        }
        rows.push_back(std::move(keys));
      }
      out.masks.push_back(mask_from_rows(scene.n, rows));
    }
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    masked_trace_attend(
        t, scene,
        pitfall ? "softmax(scores) > 0 keeps every causal key: a softmax is strictly positive, so "
                  "this mask hides nothing"
                : fmt::format("each query keeps its {} highest-scoring earlier keys", kk),
        pitfall ? "mask = scores.masked_fill(causal, -inf).softmax(-1) > 0  # all True below the diagonal"
                : fmt::format("idx = scores.masked_fill(causal, -inf).topk({}, -1).indices; "
                              "mask = torch.zeros_like(scores, dtype=bool).scatter(-1, idx, True)",
                              kk));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    return fmt::format("head {}: key {} is among the {} key{} query {} keeps by score", head, k,
                       build.masks[head].row_count(q), build.masks[head].row_count(q) == 1 ? "" : "s", q);
  }

 private:
  static int keep(const Scene& scene) {
    return param_int(scene, "topk", 1, scene.n, fmt::format("use --topk 1..{}", scene.n));
  }
};

ATTNSCOPE_REGISTER_VARIANT(TopK)

}  // namespace
}  // namespace attnscope
