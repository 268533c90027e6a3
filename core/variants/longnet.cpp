// LongNet dilated attention: for every (segment w, ratio r) pair the sequence is cut into
// segments of w and each head keeps every r-th position of each segment, starting at its offset;
// the pairs are mixed by their softmax denominators. Causal.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct Pair {
  int w, r;
};

// torchscale's dense_to_sparse pads the heads to a multiple of r and splits them into r groups,
// so head h keeps the positions p with p mod r == h // ceil(H / r).
int head_offset(int head, int heads, int r) { return head / ((heads + r - 1) / r); }

class LongNet final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "longnet",
        .description = "LongNet dilated attention: OR over (w, r) of same segment of w, both positions = offset "
                       "mod r, k <= q; head offset h // (H/r)",
        .source = "LongNet (arXiv 2307.02486); microsoft/torchscale component/dilated_attention.py "
                  "dense_to_sparse, scattering",
        .params = {
             {.name = "segments",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "4,8,16",
              .help = "segment lengths w1,w2,..."},
             {.name = "ratios",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "1,2,4",
              .help = "dilation ratios r1,r2,... (one per segment)"}},
        .list_order = 130,
        .relatives = {"dilated", "short", "strided"},
        .preset = "longnet"};
    return info;
  }
  void validate(const Scene& scene) const override { pairs(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const std::vector<Pair> ps = pairs(scene);
    const int n = scene.n, heads = scene.heads;
    VariantBuild out;
    // Heads with the same offset in every (w, r) pair share a mask.
    auto offsets = [&](int h) {
      std::vector<int> out;
      for (const Pair& p : ps) out.push_back(head_offset(h, heads, p.r));
      return out;
    };
    auto head_class = [&](int h) {
      int first = 0;
      while (offsets(first) != offsets(h)) ++first;
      return first;
    };
    out.masks = runs_masks(n, heads, head_class, [&](int h, int q, std::vector<Run>& runs) {
      for (const Pair& p : ps) {
        const int w = std::min(p.w, n);  // gathering() uses min(segment, length)
        const int off = head_offset(h, heads, p.r);
        if ((q % w) % p.r != off) continue;
        // Keys of q's segment at the same offset mod r, up to q.
        for (int k = q / w * w + off; k <= q; k += p.r) runs.push_back({k, k + 1});
      }
    });
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    for (const Pair& p : ps) {
      const int w = std::min(p.w, n);
      FrameLayout sparse;
      sparse.n = n;
      for (int h = 0; h < heads; ++h) {
        const int off = head_offset(h, heads, p.r);
        std::vector<std::vector<int>> groups((n + w - 1) / w + 1);
        for (int token = 0; token < n; ++token)
          groups[(token % w) % p.r == off ? token / w : groups.size() - 1].push_back(token);
        sparse.heads.push_back(layout_from_groups(n, groups));
        t.place_tokens(h, sparse.heads.back().token_at_slot);
      }
      t.group_by(sparse).step(
          fmt::format("dilate-w{}-r{}", p.w, p.r), {scene.batch, (n + w - 1) / w, w / p.r, heads, scene.d},
          {"batch", "segment", "kept", "head", "dim"},
          fmt::format("segments of {}; head h keeps every {}-th position from offset h // "
                      "ceil(H/{}); the last group holds the positions this pair skips",
                      w, p.r, p.r),
          fmt::format("x = self.gathering(x, dr={}, sl={})  # dense_to_sparse", p.r, p.w))
          .why("longer segments keep every r-th token only, so each pair costs about the same while "
               "reaching further back");
    }
    masked_trace_attend(
        t, scene, "the union of every pair's causal sparse segments",
        "out = self.scattering(outs, lses, ...)  # weights proportional to each softmax denominator");
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    std::vector<std::string> pairs_seen;
    for (const Step& step : build.trace.steps) {
      if (step.name.rfind("dilate-", 0) != 0) continue;
      const int n = step.rows / (step.batch.back() + 1);
      int gq = -1, gk = -1, skipped = -1;
      for (int row = 0; row < n; ++row) {
        if (step.token(row, head) == q) gq = step.group(row, head);
        if (step.token(row, head) == k) gk = step.group(row, head);
      }
      skipped = step.group(n - 1, head);
      if (gq == gk && gq != skipped) pairs_seen.push_back(step.name.substr(7));
    }
    return fmt::format("head {}: query {} and key {} share a dilated segment in pair{} {}{}", head,
                       q, k, pairs_seen.size() == 1 ? "" : "s", fmt::join(pairs_seen, ", "),
                       pairs_seen.size() > 1
                           ? "; torchscale's scattering mixes the pairs by their softmax denominators, "
                             "so this key's weight counts once per pair"
                           : "");
  }

 private:
  static std::vector<Pair> pairs(const Scene& scene) {
    const std::vector<int64_t> w = scene_param_int_list(scene, "segments");
    const std::vector<int64_t> r = scene_param_int_list(scene, "ratios");
    if (w.empty() || w.size() != r.size())
      throw SceneError(fmt::format("ratios: give one ratio per segment length ({} segments, {} "
                                   "ratios), e.g. --segments 4,8,16 --ratios 1,2,4",
                                   w.size(), r.size()));
    std::vector<Pair> out;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] < 1 || w[i] > (1 << 20))
        throw SceneError(fmt::format("segments: {} must be a positive length", w[i]));
      if (r[i] < 1 || r[i] > w[i])
        throw SceneError(fmt::format("ratios: {} must be between 1 and its segment length {}", r[i], w[i]));
      out.push_back({static_cast<int>(w[i]), static_cast<int>(r[i])});
    }
    return out;
  }
};

ATTNSCOPE_REGISTER_VARIANT(LongNet)

}  // namespace
}  // namespace attnscope
