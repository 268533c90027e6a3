// Top-k attention: each query keeps the K causal keys with the highest scores. With --pitfall the
// mask is built the way it often is by mistake, from softmax probabilities > 0, which keeps every
// causal key because a softmax is never exactly zero.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/base/progress_scope.hpp"
#include "core/cells/cell_counts.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class TopK final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "topk",
        .description = "top-k attention: each query keeps its K highest-scoring causal keys (data dependent); "
                       "--pitfall builds the mask from softmax > 0, which masks nothing",
        .source = "top-k sparse attention (e.g. Gupta et al. 2021, arXiv 2106.06899); torch.topk on the "
                  "causal scores",
        .params = {
             {.name = "topk",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "highest-scoring earlier keys kept per query (torch.topk k)"},
             {.name = "pitfall",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "build the mask as softmax(scores) > 0 instead of from the top-k indices"}},
        .list_order = 140,
        .relatives = {"h2o", "select-merge", "full"},
        .preset = "topk",
        // reference_absent stays empty: a LibTorch reference exists (core/torch/reference.cpp).
        .golden_absent = "the kept keys depend on the scores of q and k, so its rows are checked against LibTorch, "
                         "not hand-derived"};
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
    std::vector<float> scores, head_keys;
    std::vector<std::pair<float, int>> best;  // the kept keys so far, best first
    for (int h = 0; h < scene.heads; ++h) {
      // The head's keys one dimension after another: a query's scores are then D passes of
      // scores += q_i · k_i over contiguous memory, which vectorise, where the packed (B, N, 3,
      // H, D) tensor puts one key's D floats 3·H·D floats from the next. Each score still adds its
      // D products in order, as inner_product did.
      head_keys.resize(static_cast<size_t>(scene.n) * qkv.d);
      for (int k = 0; k < scene.n; ++k)
        for (int i = 0; i < qkv.d; ++i) head_keys[static_cast<size_t>(i) * scene.n + k] = qkv.row(0, k, Qkv::K, h)[i];
      std::vector<std::vector<int>> rows;
      for (int q = 0; q < scene.n; ++q) {
        progress_report(h * cost_full_cells(scene.n) + cost_full_cells(q), scene.heads * cost_full_cells(scene.n));
        const float* qv = qkv.row(0, q, Qkv::Q, h);
        scores.assign(q + 1, 0.f);
        for (int i = 0; i < qkv.d; ++i) {
          const float qi = qv[i];
          const float* dimension = head_keys.data() + static_cast<size_t>(i) * scene.n;
          for (int k = 0; k <= q; ++k) scores[k] += qi * dimension[k];
        }
        for (int k = 0; k <= q; ++k) scores[k] *= scale;
        std::vector<int> keys;
        if (pitfall) {
          const float top = *std::max_element(scores.begin(), scores.end());
          float sum = 0.f;
          for (float& s : scores) sum += (s = std::exp(s - top));
          for (int k = 0; k <= q; ++k)
            if (scores[k] / sum > 0.f) keys.push_back(k);
        } else {
          // Highest score first; ties go to the earlier key, so a later key must score strictly
          // higher than the worst kept one to enter. One pass: most keys only meet that test.
          best.clear();
          for (int k = 0; k <= q; ++k) {
            if (static_cast<int>(best.size()) == kk && !(scores[k] > best.back().first)) continue;
            if (static_cast<int>(best.size()) == kk) best.pop_back();
            const auto at = std::find_if(best.begin(), best.end(), [&](const auto& kept) { return scores[k] > kept.first; });
            best.insert(at, {scores[k], k});
          }
          for (const auto& kept : best) keys.push_back(kept.second);
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
