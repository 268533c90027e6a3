// LongLoRA's pattern 1 in every head: causal attention inside fixed groups of G, no shift, so
// groups never talk to each other.
#include "core/variants/grouped.hpp"
#include "core/variants/masked_trace.hpp"

namespace attnscope {
namespace {

class Short final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "short",
        .description = "LongLoRA short attention (pattern 1 in every head): causal inside groups of G",
        .source = "LongLoRA (arXiv 2309.12307), Section 3.2, pattern 1; Table 1 'Short'",
        .uses = {"g"},
        .list_order = 10,
        .relatives = {"s2", "s2-fix-mask", "full"},
        .preset = "short"};
    return info;
  }
  void validate(const Scene& scene) const override { grouped_validate(scene, false); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const long B = scene.batch, N = scene.n, H = scene.heads, D = scene.d, G = scene.g;
    FrameLayout frame;
    frame.n = scene.n;
    frame.heads.assign(scene.heads, frame_rolled(scene.n, 0, segments_equal(scene.n, scene.g),
                                                 SegmentRule::FrameCausal));
    const std::vector<std::string> grouped = {"group", "offset", "qkv", "head", "dim"};
    const std::vector<std::string> square = {"group", "head", "query", "key"};
    TraceBuilder t(scene);
    t.step("input", {B, N, 3, H, D}, {"batch", "token", "qkv", "head", "dim"},
           "q, k and v packed as (B, N, 3, H, D)", "qkv  # (B, N, 3, H, D)")
        .why(step_why::kInput);
    t.group_by(frame).step("group-reshape", {B * N / G, G, 3, H, D}, grouped,
                           "cut the token axis into groups of G and move them to the batch axis",
                           "qkv = qkv.view(B * N // G, G, 3, H, D)")
        .why("a view: no data moves; each group is a batch row, attended on its own");
    t.step("scores", {B * N / G, H, G, G}, square, "scores q·kᵀ/√D inside each group",
           "scores = q @ k.transpose(-2, -1) / math.sqrt(D)", StepValues::Scores)
        .why("N/G groups \u00d7 G\u00b2 scores = N\u00b7G per head instead of N\u00b2: the whole saving of "
             "short attention");
    t.step("mask", {B * N / G, H, G, G}, square, "the causal mask inside each group",
           "scores = scores.masked_fill(torch.ones(G, G).triu(1).bool(), float('-inf'))",
           StepValues::MaskedScores)
        .why("no head is shifted, so no information ever crosses a group border: pattern 1 alone "
             "is what S2-Attn's shifted half repairs");
    t.step("softmax", {B * N / G, H, G, G}, square, "softmax over each query's allowed keys",
           "weights = scores.softmax(-1)", StepValues::Weights)
        .why(step_why::kSoftmax);
    t.step("weighted-sum", {B * N / G, G, H, D}, {"group", "offset", "head", "dim"},
           "weighted sum of values inside each group", "out = (weights @ v).transpose(1, 2)",
           StepValues::FrameOutput)
        .why(step_why::kWeightedSum);
    t.ungroup().step("ungroup", {B, N, H, D}, {"batch", "token", "head", "dim"},
                     "put the groups back on the token axis", "out = out.reshape(B, N, H, D)",
                     StepValues::Output)
        .why(step_why::kUngroup);
    t.step("output", {B, N, H, D}, {"batch", "token", "head", "dim"}, "the attention output",
           "out  # (B, N, H, D)", StepValues::Output)
        .why(step_why::kOutput);
    VariantBuild out;
    out.masks = grouped_masks(frame);
    out.trace = t.finish();
    out.frame = std::move(frame);
    return out;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Short)

}  // namespace
}  // namespace attnscope
