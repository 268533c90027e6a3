// Sliding-window causal attention: each query reads itself and the W-1 keys before it, the
// Sparse Transformer's 'local' mode.
#include <fmt/format.h>

#include "core/scene/sink_logit.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class Window final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "window",
        .description = "sliding window: each query reads itself and the W-1 keys before it (0 <= q-k < W)",
        .source = "Sparse Transformer (arXiv 1904.10509), openai/sparse_attention get_attn_mask('local'); "
                  "attention-gym generate_sliding_window(W-1)",
        .params = {
             {.name = "window",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "keys each query reads, itself included (the band is W wide)"},
             sink_logit_param()},
        .list_order = 50,
        .relatives = {"streaming", "dilated", "full"},
        .preset = "window"};
    return info;
  }
  void validate(const Scene& scene) const override {
    width(scene);
    scene_sink_logits(scene);
  }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const int w = width(scene);
    VariantBuild out;
    out.masks = runs_masks(scene.n, scene.heads, [](int) { return 0; },
                           [w](int, int q, std::vector<Run>& runs) { runs.push_back({std::max(0, q - w + 1), q + 1}); });
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    masked_trace_attend(t, scene,
                        fmt::format("each query keeps itself and the {} keys before it", w - 1),
                        fmt::format("mask = torch.ones(N, N).tril().triu(-{})  # band of {}", w - 1, w));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild&, int, int q, int k) const override {
    return fmt::format("key {} is {} token{} before query {}, inside the sliding window", k, q - k,
                       q - k == 1 ? "" : "s", q);
  }

 private:
  static int width(const Scene& scene) {
    return param_int(scene, "window", 1, scene.n, fmt::format("use --window 1..{}", scene.n));
  }
};

ATTNSCOPE_REGISTER_VARIANT(Window)

}  // namespace
}  // namespace attnscope
