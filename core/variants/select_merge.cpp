// Correlation-aware select and merge, as a block approximation: mean-pooled block
// representatives score every earlier key block for each query block; each query block keeps its
// top-k blocks plus its own and attends causally over the merged keys.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/base/progress_scope.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

// Mean of one part (q or k) of head h over the tokens of block j.
std::vector<float> block_mean(const Qkv& qkv, int part, int h, int begin, int end) {
  std::vector<float> mean(qkv.d, 0.f);
  for (int token = begin; token < end; ++token)
    for (int i = 0; i < qkv.d; ++i) mean[i] += qkv.row(0, token, part, h)[i];
  for (float& x : mean) x /= static_cast<float>(end - begin);
  return mean;
}

class SelectMerge final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "select-merge",
        .description = "approximation of correlation-aware select and merge: mean-pooled block representatives, "
                       "each query block keeps its top-k earlier key blocks plus its own, causal",
        .source = "Wang et al. 2024 (arXiv 2410.04211), abstract and secondary reviews only; no public code, "
                  "so region size, scoring and merge rule are assumptions",
        .uses = {"g"},
        .params = {
             {.name = "block",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "region (block) size; default: g",
              .replaces = "g"},
             {.name = "topk",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "earlier key blocks selected per query block"}},
        .list_order = 150,
        .relatives = {"topk", "block", "bigbird"},
        .preset = "select_merge",
        .reference_absent = "Wang et al. 2024 publish no code; this is an approximation",
        .golden_absent = "the selected blocks depend on the scores of q and k so its rows are checked by properties, not hand-derived",};
    return info;
  }
  void validate(const Scene& scene) const override {
    params(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const auto [b, kk] = params(scene);
    const int n = scene.n, nb = (n + b - 1) / b;
    const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
    VariantBuild out;
    std::string chosen;
    // Per head, per query block: the selected key blocks, sorted, own block last.
    std::vector<std::vector<std::vector<int>>> selected_by_head(static_cast<size_t>(scene.heads));
    for (int h = 0; h < scene.heads; ++h) {
      std::vector<std::vector<float>> qbar, kbar;
      for (int j = 0; j < nb; ++j) {
        qbar.push_back(block_mean(qkv, Qkv::Q, h, j * b, std::min(n, (j + 1) * b)));
        kbar.push_back(block_mean(qkv, Qkv::K, h, j * b, std::min(n, (j + 1) * b)));
      }
      std::vector<std::vector<int>>& selected = selected_by_head[h];
      selected.resize(static_cast<size_t>(nb));
      for (int i = 0; i < nb; ++i) {
        progress_report(int64_t{h} * nb + i, int64_t{scene.heads} * nb);
        std::vector<int> earlier(i);
        std::iota(earlier.begin(), earlier.end(), 0);
        std::vector<float> score(i);
        for (int j = 0; j < i; ++j)
          score[j] = std::inner_product(qbar[i].begin(), qbar[i].end(), kbar[j].begin(), 0.f) * scale;
        const int take = std::min(kk, i);
        std::partial_sort(earlier.begin(), earlier.begin() + take, earlier.end(), [&](int a, int c) {
          return score[a] != score[c] ? score[a] > score[c] : a < c;
        });
        selected[i].assign(earlier.begin(), earlier.begin() + take);
        std::sort(selected[i].begin(), selected[i].end());
        selected[i].push_back(i);
        if (h < 2 && i < 8)
          chosen += fmt::format("{}h{} block {} -> {}", chosen.empty() ? "" : "; ", h, i,
                                token_list_text(selected[i]));
      }
    }
    // Row q reads its block's selected blocks whole and its own block up to itself: a run per
    // block, so a head costs its runs rather than N² tests. Init-capture: clang 14 (the fuzz
    // build) cannot capture structured bindings.
    out.masks = runs_masks(n, scene.heads, [](int h) { return h; }, [&, b = b](int h, int q, std::vector<Run>& runs) {
      for (int j : selected_by_head[h][q / b]) runs.push_back({j * b, std::min((j + 1) * b, q + 1)});
    });
    FrameLayout regions;
    regions.n = n;
    std::vector<std::vector<int>> groups(nb);
    for (int token = 0; token < n; ++token) groups[token / b].push_back(token);
    regions.heads.assign(scene.heads, layout_from_groups(n, groups));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.group_by(regions).step("pool", {scene.batch, nb, scene.heads, scene.d},
                             {"batch", "block", "head", "dim"},
                             fmt::format("cut the tokens into blocks of {}; each block's "
                                         "representative is the mean of its q (and of its k)",
                                         b),
                             fmt::format("q_bar = q.view(B, N // {0}, {0}, H, D).mean(2)", b))
        .why("one mean per block stands for its tokens, so choosing blocks costs (N/b)\u00b2 products "
             "instead of N\u00b2");
    t.step("select", {scene.batch, scene.heads, nb, kk + 1}, {"batch", "head", "query block", "selected"},
           "score q_bar · k_bar of every earlier block, keep the top " + std::to_string(kk) +
               " plus the own block: " + chosen,
           fmt::format("sel = (q_bar @ k_bar.T).masked_fill(later_or_own, -inf).topk({}, -1)", kk))
        .why("the choice depends on the scores of q and k: the blocks a query reads are data, not a "
             "fixed pattern");
    t.step("merge", {scene.batch, scene.heads, n, (kk + 1) * b}, {"batch", "head", "query", "merged key"},
           "concatenate the selected blocks' keys and values in position order",
           "k_sel = torch.cat([k_blocks[j] for j in sorted(sel) + [i]], 1)")
        .why("the merged keys are dense again, so one ordinary attention over them serves the block");
    masked_trace_attend(t, scene, "causal over the merged blocks (approximation)",
                        "mask = block_selected[q // b, k // b] & (k <= q)");
    out.trace = t.finish();
    out.boundaries.assign(scene.heads, boundaries_every(n, b));
    out.boundary_name = "block";
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const Step& pool = build.trace.steps[build.trace.find("pool")];
    const int i = pool.group(q, head), j = pool.group(k, head);
    if (i == j) return fmt::format("key {} is in query {}'s own block {}", k, q, i);
    return fmt::format("head {}: block {}'s pooled key scored among the top for query block {}",
                       head, j, i);
  }

 private:
  static std::pair<int, int> params(const Scene& scene) {
    const int b = param_int(scene, "block", 1, scene.n, fmt::format("use --block 1..{}", scene.n),
                            std::clamp(scene.g, 1, scene.n));
    const int kk = param_int(scene, "topk", 0, scene.n, fmt::format("use --topk 0..{}", scene.n));
    return {b, kk};
  }
};

ATTNSCOPE_REGISTER_VARIANT(SelectMerge)

}  // namespace
}  // namespace attnscope
