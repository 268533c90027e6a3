// Longformer's dilated sliding window: keys every d-th position up to w steps away, autoregressive
// by default, plus symmetric global tokens.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct DilatedParams {
  int w, d;
  bool bidirectional;
  std::vector<int> global;  // sorted
};

class Dilated final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "dilated",
        .description = "Longformer dilated window: keys q-k in {0, d, ..., w·d} (|q-k| with --bidirectional), plus "
                       "global tokens that read and are read by every token",
        .source = "Longformer (arXiv 2004.05150) §3.1; allenai/longformer diagonaled_mm_tvm.py "
                  "(j = i + d·(c - w))",
        .params = {
             {.name = "window",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "keys on each side of the query (Longformer's w)"},
             {.name = "dilation",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "gap d between window keys"},
             {.name = "global",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "",
              .help = "global tokens, e.g. 0,5"},
             {.name = "bidirectional",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "encoder window (both sides) and global tokens that read the future"}},
        .list_order = 70,
        .relatives = {"window", "longnet", "strided"},
        .preset = "dilated",
        .reference_absent = "Longformer's sliding-chunk CUDA/TVM kernels have no ATen transcription here"};
    return info;
  }
  void validate(const Scene& scene) const override { params(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const DilatedParams p = params(scene);
    VariantBuild out;
    out.masks = runs_masks(scene.n, scene.heads, [](int) { return 0; },
                           [&](int, int q, std::vector<Run>& runs) {
                             if (is_global(p, q)) {  // a global query reads every (earlier) key
                               runs.push_back({0, p.bidirectional ? scene.n : q + 1});
                               return;
                             }
                             for (int j = 0; j <= p.w; ++j) {
                               if (q - j * p.d >= 0) runs.push_back({q - j * p.d, q - j * p.d + 1});
                               if (p.bidirectional && q + j * p.d < scene.n)
                                 runs.push_back({q + j * p.d, q + j * p.d + 1});
                             }
                             for (int g : p.global)
                               if (p.bidirectional || g <= q) runs.push_back({g, g + 1});
                           });
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    if (!p.global.empty()) {
      std::vector<int> local;
      for (int token = 0; token < scene.n; ++token)
        if (!is_global(p, token)) local.push_back(token);
      FrameLayout split;
      split.n = scene.n;
      split.heads.assign(scene.heads, layout_from_groups(scene.n, {local, p.global}));
      for (int h = 0; h < scene.heads; ++h) t.place_tokens(h, split.heads[h].token_at_slot);
      t.group_by(split).step(
          "global", {scene.batch, scene.n, 3, scene.heads, scene.d},
          {"batch", "token", "qkv", "head", "dim"},
          fmt::format("global tokens {} (group 1) leave the windowed part and are attended densely",
                      token_list_text(p.global)),
          "attention_mask[:, global] = 1  # > 0 marks global tokens; longformer.py L157-250")
          .why("a window alone would take many layers to carry a token across the sequence; global tokens "
               "read and are read by every token in one layer");
    }
    masked_trace_attend(
        t, scene,
        fmt::format("{} window of {} key{} every {} position{}{}", p.bidirectional ? "two-sided" : "causal",
                    p.w, p.w == 1 ? "" : "s", p.d, p.d == 1 ? "" : "s",
                    p.global.empty() ? "" : fmt::format(", plus global tokens {}", token_list_text(p.global))),
        fmt::format("dist = {}; mask = (dist <= {}) & (dist % {} == 0){}", 
                    p.bidirectional ? "(q - k).abs()" : "q - k  # and dist >= 0", p.d * p.w, p.d,
                    p.global.empty() ? "" : " | is_global[q] | is_global[k]"));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const int dist = std::abs(q - k);
    const std::string where = fmt::format("key {} is {} position{} {} query {}", k, dist,
                                          dist == 1 ? "" : "s", k > q ? "after" : "before", q);
    const int step = build.trace.find("global");
    for (int token : {q, k}) {
      if (step < 0 || !global_in_step(build.trace.steps[step], head, token)) continue;
      return fmt::format("{}; token {} is global, and Longformer's global attention reads and is "
                         "read by every token{}",
                         where, token,
                         k > q ? " (with --bidirectional an encoder pattern: non-causal by design)"
                               : "");
    }
    return where + ", a multiple of the dilation inside the window" +
           (k > q ? " (the --bidirectional window reads both sides by design)" : "");
  }

 private:
  // Global tokens sit at the end of the "global" step, in group 1.
  static bool global_in_step(const Step& step, int head, int token) {
    const int n = step.rows / (step.batch.back() + 1);  // rows of the first sequence
    for (int row = n - 1; row >= 0 && step.group(row, head) == 1; --row)
      if (step.token(row, head) == token) return true;
    return false;
  }
  static bool is_global(const DilatedParams& p, int token) {
    return std::binary_search(p.global.begin(), p.global.end(), token);
  }
  static DilatedParams params(const Scene& scene) {
    DilatedParams p;
    p.w = param_int(scene, "window", 0, scene.n, fmt::format("use --window 0..{}", scene.n));
    p.d = param_int(scene, "dilation", 1, scene.n, fmt::format("use --dilation 1..{}", scene.n));
    p.bidirectional = param_flag(scene, "bidirectional");
    for (int64_t token : scene_param_int_list(scene, "global")) {
      if (token < 0 || token >= scene.n)
        throw SceneError(fmt::format("global: token {} is outside 0..{}; list tokens of the scene",
                                     token, scene.n - 1));
      p.global.push_back(static_cast<int>(token));
    }
    std::sort(p.global.begin(), p.global.end());
    return p;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Dilated)

}  // namespace
}  // namespace attnscope
