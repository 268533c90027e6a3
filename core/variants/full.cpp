// Dense causal attention: the baseline every sparse pattern is compared with.
#include "core/scene/sink_logit.hpp"
#include "core/variants/grouped.hpp"
#include "core/variants/masked_trace.hpp"

namespace attnscope {
namespace {

class Full final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "full",
        .description = "dense causal attention: every query reads every earlier key",
        .source = "Vaswani et al. 2017; LongLoRA forward_flashattn_full",
        .params = {
             sink_logit_param()},
        .list_order = 0,
        .relatives = {"short", "s2", "window"},
        .preset = "full"};
    return info;
  }
  void validate(const Scene& scene) const override { scene_sink_logits(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const long B = scene.batch, N = scene.n, H = scene.heads, D = scene.d;
    FrameLayout frame;
    frame.n = scene.n;
    frame.heads.assign(scene.heads, frame_rolled(scene.n, 0, {0}, SegmentRule::FrameCausal));
    const std::vector<std::string> square = {"batch", "head", "query", "key"};
    TraceBuilder t(scene);
    t.step("input", {B, N, 3, H, D}, {"batch", "token", "qkv", "head", "dim"},
           "q, k and v packed as (B, N, 3, H, D)", "qkv  # (B, N, 3, H, D)")
        .why(step_why::kInput);
    t.step("scores", {B, H, N, N}, square, "scores q·kᵀ/√D for every pair",
           "scores = q @ k.transpose(-2, -1) / math.sqrt(D)", StepValues::Scores)
        .why("every pair is computed: N\u00b2 scores per head, the cost every sparse pattern tries to cut");
    t.step("mask", {B, H, N, N}, square, "the causal mask hides every later key",
           "scores = scores.masked_fill(torch.ones(N, N).triu(1).bool(), float('-inf'))",
           StepValues::MaskedScores)
        .why("a query reads itself and every earlier key, never a later one: the reference every "
             "other pattern is measured against");
    t.step("softmax", {B, H, N, N}, square, "softmax over each query's allowed keys",
           "weights = scores.softmax(-1)", StepValues::Weights)
        .why(step_why::kSoftmax);
    t.step("weighted-sum", {B, N, H, D}, {"batch", "token", "head", "dim"},
           "each output is the weighted sum of values", "out = (weights @ v).transpose(1, 2)",
           StepValues::Output)
        .why(step_why::kWeightedSum);
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

ATTNSCOPE_REGISTER_VARIANT(Full)

}  // namespace
}  // namespace attnscope
