// H2O heavy-hitter eviction, decode step by decode step: each head attends over its cache plus
// the new token, adds the attention every key received to the key's score, then keeps the last
// `recent` tokens and the `hh` highest-scoring others.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/base/progress_scope.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/decode_trace.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct HeadRun {
  std::vector<std::vector<int>> rows;  // keys query t reads
  std::vector<std::vector<int>> evicted;  // tokens evicted after step t
};

// The index algorithm of spec §3.3, as H2OKVCache_LayerWise runs it for one head of sequence 0.
HeadRun h2o_head(const Qkv& qkv, int head, int hh, int recent) {
  HeadRun run;
  const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
  std::vector<int> cache;
  std::vector<float> score(qkv.n, 0.f);  // accumulated attention per key
  std::vector<float> logits;
  for (int t = 0; t < qkv.n; ++t) {
    progress_report(int64_t{head} * qkv.n + t, int64_t{qkv.heads} * qkv.n);
    cache.push_back(t);
    run.rows.push_back(cache);
    const float* q = qkv.row(0, t, Qkv::Q, head);
    logits.resize(cache.size());
    for (size_t i = 0; i < cache.size(); ++i) {
      const float* k = qkv.row(0, cache[i], Qkv::K, head);
      logits[i] = std::inner_product(q, q + qkv.d, k, 0.f) * scale;
    }
    const float top = *std::max_element(logits.begin(), logits.end());
    float sum = 0.f;
    for (float& x : logits) sum += (x = std::exp(x - top));
    for (size_t i = 0; i < cache.size(); ++i) score[cache[i]] += logits[i] / sum;
    std::vector<int> evicted;
    if (static_cast<int>(cache.size()) > hh + recent) {
      // Candidates: everything but the last `recent`; ties go to the earlier token.
      std::vector<int> candidates(cache.begin(), cache.end() - recent);
      std::stable_sort(candidates.begin(), candidates.end(),
                       [&](int a, int b) { return score[a] > score[b]; });
      std::vector<int> kept(candidates.begin(), candidates.begin() + hh);
      evicted.assign(candidates.begin() + hh, candidates.end());
      kept.insert(kept.end(), cache.end() - recent, cache.end());
      std::sort(kept.begin(), kept.end());
      std::sort(evicted.begin(), evicted.end());
      cache = std::move(kept);
    }
    run.evicted.push_back(std::move(evicted));
  }
  return run;
}

class H2O final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "h2o",
        .description = "H2O heavy hitters: per head, the cache keeps the last R tokens and the K keys with the "
                       "most accumulated attention; data dependent (uses the scene's q, k)",
        .source = "H2O (arXiv 2306.14048); FMInference/H2O utils_real_drop/modify_llama.py "
                  "H2OKVCache_LayerWise",
        .params = {
             {.name = "hh",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "heavy hitters kept in the cache (hh_size)"},
             {.name = "recent",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "most recent tokens kept in the cache (recent_size)"}},
        .list_order = 110,
        .relatives = {"streaming", "topk", "window"},
        .preset = "h2o",
        // reference_absent stays empty: a LibTorch reference exists (core/torch/reference.cpp).
        .golden_absent = "its cache depends on the scores of q and k, so its rows are checked against LibTorch, "
                         "not hand-derived"};
    return info;
  }
  void validate(const Scene& scene) const override {
    params(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const auto [hh, recent] = params(scene);
    std::vector<HeadRun> heads;
    DecodeRows rows;
    VariantBuild out;
    for (int h = 0; h < scene.heads; ++h) {
      heads.push_back(h2o_head(qkv, h, hh, recent));
      out.masks.push_back(mask_from_rows(scene.n, heads.back().rows));
    }
    for (const HeadRun& head : heads) rows.push_back(&head.rows);
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    decode_trace_steps(t, scene, rows, [&](int step) {
      std::string text = fmt::format("decode token {}: each head attends over its cache plus the "
                                     "token, adds the weights to every key's score",
                                     step);
      for (int h = 0; h < scene.heads; ++h)
        if (!heads[h].evicted[step].empty())
          text += fmt::format("; head {} evicts {}", h, token_list_text(heads[h].evicted[step]));
      return text;
    });
    masked_trace_attend(t, scene,
                        fmt::format("row t is what query t saw: at most {} cached keys plus itself; "
                                    "evicted keys are dropped past",
                                    hh + recent),
                        "attn_weights = attn_weights.masked_fill(~cached, float('-inf'))");
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild&, int head, int q, int k) const override {
    if (k == q) return "the query itself, appended to the cache at this step";
    return fmt::format("key {} is still in head {}'s cache at step {}: one of the last --recent "
                       "tokens, or a heavy hitter whose accumulated attention outranked the keys "
                       "evicted so far (see step decode-{})",
                       k, head, q, q);
  }

 private:
  static std::pair<int, int> params(const Scene& scene) {
    const int hh = param_int(scene, "hh", 0, scene.n, fmt::format("use --hh 0..{}", scene.n));
    const int recent =
        param_int(scene, "recent", 0, scene.n, fmt::format("use --recent 0..{}", scene.n));
    if (hh + recent < 1) throw SceneError("hh: with --hh 0 and --recent 0 nothing is ever cached; "
                                          "give at least one of them a positive value");
    return {hh, recent};
  }
};

ATTNSCOPE_REGISTER_VARIANT(H2O)

}  // namespace
}  // namespace attnscope
