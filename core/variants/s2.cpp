// LongLoRA S2-Attn as the paper's Algorithm 1 and its roll-based code compute it: the second half
// of the heads is rolled by -G/2, cut into groups, and masked causally in the rolled frame.
#include "core/variants/grouped.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

int s2_unroll(const Scene& scene) {
  return param_int(scene, "unroll", -scene.n, scene.n, "give a roll between -n and n",
                   -scene.effective_shift());
}

class S2 final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "s2",
        .description = "LongLoRA shifted sparse attention: half the heads rolled by \u2212G/2, causal mask in the "
                       "rolled frame (leaks (G/2)\u00b2 cells per shifted head)",
        .source = "LongLoRA (arXiv 2309.12307), Algorithm 1; llama_attn_replace.py forward_noflashattn",
        .uses = {"g", "shift"},
        .params = {
             {.name = "unroll",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "roll applied to the shifted heads' output (default -shift). Python's -G//2 floors, so "
                      "for odd G the code rolls by -(G+1)/2 and back by (G-1)/2: --g 5 --shift -3 --unroll 2"}},
        .list_order = 20,
        .relatives = {"s2-fix-mask", "s2-fix-split", "short"},
        .preset = "01_classroom"};
    return info;
  }
  void validate(const Scene& scene) const override {
    grouped_validate(scene, true);
    s2_unroll(scene);
  }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const int unroll = s2_unroll(scene);
    VariantBuild out;
    out.frame = grouped_frame_rolled(scene, SegmentRule::FrameCausal);
    out.masks = grouped_masks(*out.frame);
    out.trace = grouped_trace_rolled(scene, *out.frame,
                                     "scores = scores.masked_fill(torch.ones(G, G).triu(1).bool(), "
                                     "float('-inf'))",
                                     unroll);
    out.output_query = grouped_output_query(scene, unroll);
    return out;
  }
};

ATTNSCOPE_REGISTER_VARIANT(S2)

}  // namespace
}  // namespace attnscope
