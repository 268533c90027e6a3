// S2-Attn as LongLoRA's current flash path computes it: no roll; the shifted heads get segment
// boundaries [0, s, s+G, ..., N-s, N], so the wrapped group is split into its two halves.
#include <fmt/format.h>

#include "core/variants/grouped.hpp"
#include "core/variants/masked_trace.hpp"

namespace attnscope {
namespace {

class S2FixSplit final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "s2-fix-split",
        .description = "S2-Attn without the roll: shifted heads use segments [0,s), [s,s+G), ..., [N-s,N), so "
                       "the wrapped group splits in two (no leak); N need not be a multiple of G (SFT path)",
        .source = "LongLoRA repository, llama_attn_replace.py forward_flashattn (cu_seqlens, since 4101fec)",
        .uses = {"g", "shift"},
        .list_order = 40,
        .relatives = {"s2", "s2-fix-mask", "short"},
        .preset = "05_s2_fix_split"};
    return info;
  }
  // cu_seqlens need no whole groups: with N not a multiple of G the last segments are shorter,
  // as in llama_attn_replace_sft.py.
  void validate(const Scene& scene) const override { grouped_validate(scene, true, true); }

  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const int s = ((-scene.effective_shift()) % scene.g + scene.g) % scene.g;
    FrameLayout frame;
    frame.n = scene.n;
    for (int h = 0; h < scene.heads; ++h) {
      const bool shifted = grouped_is_shifted_head(scene, h);
      frame.heads.push_back(frame_rolled(scene.n, 0,
                                         shifted ? grouped_split_boundaries(scene.n, scene.g, s)
                                                 : segments_equal(scene.n, scene.g),
                                         SegmentRule::FrameCausal));
    }
    VariantBuild out;
    out.masks = grouped_masks(frame);
    out.trace = trace(scene, frame, s);
    out.frame = std::move(frame);
    return out;
  }

 private:
  static Trace trace(const Scene& scene, const FrameLayout& frame, int s) {
    const long B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
    const std::vector<std::string> packed = {"batch", "token", "qkv", "head", "dim"};
    const std::vector<std::string> square = {"segment", "head", "query", "key"};
    TraceBuilder t(scene);
    t.step("input", {B, N, 3, H, D}, packed, "q, k and v packed as (B, N, 3, H, D)",
           "qkv = torch.stack([q, k, v], dim=2)  # (B, N, 3, H, D)")
        .why(step_why::kInput);
    t.split_heads(2).step("chunk", {2 * B, N, 3, H / 2, D},
                          {"row", "token", "qkv", "head", "dim"},
                          "move the two halves of the heads to the batch axis (no roll)",
                          "qkv = torch.stack(qkv.chunk(2, 3), 1).view(2 * B, N, 3, H // 2, D)")
        .why("each half becomes its own batch row, so each can be cut into its own segments");
    t.group_by(frame).step(
        "segment", {2 * B, N, 3, H / 2, D}, {"row", "token", "qkv", "head", "dim"},
        fmt::format("unshifted rows: segments of G = {}; shifted rows: [0, {}), then every G, "
                    "and the last {} tokens alone",
                    G, s, s),
        "cu_seqlens = cat(arange(0, N+1, G), arange(G//2, N, G), [N])  # per row")
        .why("the same groups as a roll by the shift, but with the wrapped group cut in two: its "
             "ends never meet, so nothing leaks and no roll is needed");
    t.step("scores", {2 * B, H / 2, N, N}, square, "scores q·kᵀ/√D inside each segment",
           "flash_attn_varlen_qkvpacked_func(..., causal=True)", StepValues::Scores)
        .why("cu_seqlens tells the flash kernel where segments start; it computes only inside them");
    t.step("mask", {2 * B, H / 2, N, N}, square, "causal inside each segment", "causal=True",
           StepValues::MaskedScores)
        .why("no segment wraps around the end of the sequence, so causal inside a segment is causal "
             "in the tokens' own order: nothing leaks");
    t.step("softmax", {2 * B, H / 2, N, N}, square, "softmax over each query's allowed keys",
           "weights = scores.softmax(-1)", StepValues::Weights)
        .why(step_why::kSoftmax);
    t.step("weighted-sum", {2 * B, N, H / 2, D}, {"row", "token", "head", "dim"},
           "weighted sum of values inside each segment", "out = weights @ v",
           StepValues::FrameOutput)
        .why(step_why::kWeightedSum);
    t.ungroup().join_heads().step("output", {B, N, H, D}, {"batch", "token", "head", "dim"},
                                  "the halves go back to the head axis",
                                  "out = out.view(B, 2, N, H // 2, D).transpose(1, 2)"
                                  ".reshape(B, N, H, D)",
                                  StepValues::Output)
        .why(step_why::kOutput);
    return t.finish();
  }
};

ATTNSCOPE_REGISTER_VARIANT(S2FixSplit)

}  // namespace
}  // namespace attnscope
