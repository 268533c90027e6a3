// S2-Attn with the mask compared on original token indices instead of frame slots: the same
// groups as s2, no leak. This is the pattern the paper's Figure 2 draws.

#include "core/variants/grouped.hpp"

namespace attnscope {
namespace {

class S2FixMask final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "s2-fix-mask",
        .description = "S2-Attn groups with the causal mask on original token indices (Fig. 2's pattern, no leak)",
        .source = "LongLoRA (arXiv 2309.12307), Figure 2 'Attention w shift'",
        .uses = {"g", "shift"},
        .list_order = 30,
        .relatives = {"s2", "s2-fix-split", "short"},
        .preset = "04_s2_fix_mask"};
    return info;
  }
  void validate(const Scene& scene) const override { grouped_validate(scene, true); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    VariantBuild out;
    out.frame = grouped_frame_rolled(scene, SegmentRule::TokenCausal);
    out.masks = grouped_masks(*out.frame);
    out.trace = grouped_trace_rolled(
        scene, *out.frame,
        "pos = torch.arange(N).roll(shift).view(-1, G); scores = scores.masked_fill("
        "pos[:, None, :] > pos[:, :, None], float('-inf'))",
        -scene.effective_shift());
    return out;
  }
};

ATTNSCOPE_REGISTER_VARIANT(S2FixMask)

}  // namespace
}  // namespace attnscope
