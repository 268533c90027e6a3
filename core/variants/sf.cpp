// SinkLoRA SF-Attn, reconstructed: segmentation and reassembly returns the shifted groups to an
// un-shifted layout, and S sink tokens get symmetric global attention on top. There is no public
// code; both readings of the paper's Algorithm 1 are offered.
#include <fmt/format.h>

#include <cmath>

#include "core/grouped.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct SfParams {
  int sinks;
  bool r2;            // head-proportion reading
  double proportion;  // R2: heads h < H·p use pattern 1
  bool sink_causal;
};

class Sf final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        "sf",
        "SinkLoRA SF-Attn (reconstruction, unverified): S&R segments (R1: the wrapped group split "
        "back, as s2-fix-split; R2: a proportion p of heads back to pattern 1) or q < S or k < S",
        "SinkLoRA (arXiv 2406.05678) §3, known from the abstract and a secondary review; "
        "no SF-Attn code in Dexter-GT-86/SinkLoRA",
        {"g", "shift"},
        {{"sinks", ParamSpec::Kind::Int, "4", "sink tokens with global attention (first S tokens)"},
         {"reading", ParamSpec::Kind::Text, "r1",
          "r1: wrapped segment returned to its place (tokens); r2: heads returned by proportion"},
         {"proportion", ParamSpec::Kind::Number, "0.75",
          "r2: heads h < H·p use pattern 1, the rest the rolled pattern 2", "", "reading=r2"},
         {"sink-causal", ParamSpec::Kind::Flag, "false",
          "intersect the sink rows and columns with the causal triangle"}},
        45,
        {"s2-fix-split", "streaming", "s2"},
        "sf",
        "SinkLoRA publishes no code for S2 with sinks; this is a reconstruction",
        ""};
    return info;
  }
  void validate(const Scene& scene) const override {
    const SfParams p = params(scene);
    grouped_validate(scene, !p.r2);
  }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const SfParams p = params(scene);
    const int n = scene.n, g = scene.g;
    const int s = ((-scene.effective_shift()) % g + g) % g;
    FrameLayout frame;
    frame.n = n;
    for (int h = 0; h < scene.heads; ++h) {
      if (p.r2) {
        const bool plain = h < scene.heads * p.proportion;
        frame.heads.push_back(frame_rolled(n, plain ? 0 : scene.effective_shift(),
                                           segments_equal(n, g), SegmentRule::FrameCausal));
      } else {
        frame.heads.push_back(frame_rolled(
            n, 0,
            grouped_is_shifted_head(scene, h) ? grouped_split_boundaries(n, g, s)
                                              : segments_equal(n, g),
            SegmentRule::FrameCausal));
      }
    }
    const int sinks = p.sinks;
    RowRuns sink_cells(n, n);
    for (int q = 0; q < n; ++q) {
      if (q < sinks) sink_cells.append_row({{0, p.sink_causal ? q + 1 : n}});
      else sink_cells.append_row({{0, std::min(sinks, n)}});
    }
    VariantBuild out;
    for (const RowRuns& base : grouped_masks(frame)) out.masks.push_back(runs_union(base, sink_cells));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    for (int h = 0; h < scene.heads; ++h) t.place_tokens(h, frame.heads[h].token_at_slot);
    t.group_by(frame).step(
        "reassemble", {scene.batch, n, 3, scene.heads, scene.d},
        {"batch", "token", "qkv", "head", "dim"},
        p.r2 ? fmt::format("R2: heads h < {:.2f} keep groups of {}; the others are rolled by {} "
                           "(pattern 2)",
                           scene.heads * p.proportion, g, scene.effective_shift())
             : fmt::format("R1: shifted heads cut at [0, {}), then every {}: the wrapped half group "
                           "returns to its un-shifted place",
                           s, g),
        p.r2 ? "heads[int(H * p):] = heads[int(H * p):].roll(-G // 2, 1)"
             : "cu_seqlens = [0, G // 2, G // 2 + G, ..., N]  # shifted heads");
    t.ungroup().place_identity().step(
        "sinks", {scene.batch, n, scene.heads, scene.d}, {"batch", "token", "head", "dim"},
        fmt::format("tokens 0..{} are sinks: they read {} and every token reads them", sinks - 1,
                    p.sink_causal ? "every earlier token" : "every token"),
        fmt::format("mask[:, :{0}] = True; mask[:{0}, :] = True{1}", sinks,
                    p.sink_causal ? "; mask &= causal" : ""));
    masked_trace_attend(t, scene, "the reassembled groups or a sink row or column",
                        "scores = scores.masked_fill(~(segments | sinks), float('-inf'))");
    out.trace = t.finish();
    for (const HeadFrame& head : frame.heads) out.boundaries.push_back(frame_group_boundaries(head));
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const Step& layout = build.trace.steps[build.trace.find("reassemble")];
    const int n = layout.rows / (layout.batch.back() + 1);  // rows of the first sequence
    int q_slot = 0, k_slot = 0;
    for (int row = 0; row < n; ++row) {
      if (layout.token(row, head) == q) q_slot = row;
      if (layout.token(row, head) == k) k_slot = row;
    }
    if (layout.group(q_slot, head) == layout.group(k_slot, head) && k_slot <= q_slot)
      return fmt::format("query {} (slot {}) and key {} (slot {}) share segment {} and the causal "
                         "mask compares slots{}",
                         q, q_slot, k, k_slot, layout.group(q_slot, head),
                         k > q ? "; this rolled pattern-2 head reads across the wrap, the leak "
                                 "S2-Attn has"
                               : "");
    if (k > q)
      return fmt::format("query {} is a sink token with global attention (BigBird/Longformer "
                         "style), so it reads later key {}; whether SinkLoRA makes sink rows causal "
                         "is unverified, --sink-causal removes these cells",
                         q, k);
    return fmt::format("query {} or key {} is one of the first --sinks tokens, which read and are "
                       "read by every token",
                       q, k);
  }

 private:
  static SfParams params(const Scene& scene) {
    SfParams p;
    p.sinks = param_int(scene, "sinks", 0, scene.n, fmt::format("use --sinks 0..{}", scene.n));
    const std::string reading = scene_param_text(scene, "reading");
    if (reading != "r1" && reading != "r2")
      throw SceneError("reading: '" + reading + "' is not a reading of S&R; use r1 or r2");
    p.r2 = reading == "r2";
    p.proportion = scene_param_number(scene, "proportion");
    if (!(p.proportion > 0 && p.proportion <= 1))
      throw SceneError(fmt::format("proportion: {} must be in (0, 1]", p.proportion));
    p.sink_causal = param_flag(scene, "sink-causal");
    return p;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Sf)

}  // namespace
}  // namespace attnscope
