// SinkLoRA SF-Attn, reconstructed: segmentation and reassembly returns the shifted groups to an
// un-shifted layout, and S sink tokens get symmetric global attention on top. There is no public
// code; both readings of the paper's Algorithm 1 are offered.
#include <fmt/format.h>

#include <cmath>

#include "core/variants/grouped.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

constexpr int kDefaultSinks = 4;

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
        .name = "sf",
        .description = "SinkLoRA SF-Attn (reconstruction, unverified): S&R segments (R1: the wrapped group split "
                       "back, as s2-fix-split; R2: a proportion p of heads back to pattern 1) or q < S or k < S",
        .source = "SinkLoRA (arXiv 2406.05678) §3, known from the abstract and a secondary review; "
                  "no SF-Attn code in Dexter-GT-86/SinkLoRA",
        .uses = {"g", "shift"},
        .params = {
             {.name = "sinks",
              .kind = ParamSpec::Kind::Int,
              .default_value = std::to_string(kDefaultSinks),
              .help = "sink tokens with global attention (first S tokens)"},
             {.name = "reading",
              .kind = ParamSpec::Kind::Text,
              .default_value = "r1",
              .help = "r1: wrapped segment returned to its place (tokens); r2: heads returned by proportion"},
             {.name = "proportion",
              .kind = ParamSpec::Kind::Number,
              .default_value = "0.75",
              .help = "r2: heads h < H·p use pattern 1, the rest the rolled pattern 2",
              .applies_if = "reading=r2"},
             {.name = "sink-causal",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "intersect the sink rows and columns with the causal triangle"}},
        .list_order = 45,
        .relatives = {"s2-fix-split", "streaming", "s2"},
        .preset = "sf",
        .reference_absent = "SinkLoRA publishes no code for S2 with sinks; this is a reconstruction"};
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
    const std::vector<RowRuns> bases = grouped_masks(frame);
    for (size_t h = 0; h < bases.size(); ++h) {
      size_t same = 0;  // heads sharing a base mask share the union too
      while (same < h && !bases[same].shares_storage(bases[h])) ++same;
      out.masks.push_back(same < h ? out.masks[same] : runs_union(bases[h], sink_cells));
    }
    out.trace = trace(scene, p, frame);
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
  // S&R as data: S2's rolled layout and groups, then the reassembled segments, then the sinks.
  // The provenance planes let the token grid, the storyboard and the GIF animate each move.
  static Trace trace(const Scene& scene, const SfParams& p, const FrameLayout& reassembled) {
    const int n = scene.n, g = scene.g, shift = scene.effective_shift();
    const long B = scene.batch, H = scene.heads, D = scene.d;
    const std::vector<std::string> packed = {"batch", "token", "qkv", "head", "dim"};
    FrameLayout s2;  // S2-Attn's layout: the second half of the heads rolled, groups of G
    s2.n = n;
    for (int h = 0; h < scene.heads; ++h)
      s2.heads.push_back(frame_rolled(n, grouped_is_shifted_head(scene, h) ? shift : 0,
                                      segments_equal(n, g), SegmentRule::FrameCausal));
    const int wrapped = ((-shift) % g + g) % g;
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.why("SF-Attn keeps S2-Attn's idea (groups, half of the heads shifted) and removes its wrapped "
          "group, then adds sink tokens");
    for (int h = 0; h < scene.heads; ++h) t.place_tokens(h, s2.heads[h].token_at_slot);
    t.step("roll", {B, n, 3, H, D}, packed,
           fmt::format("as in S2-Attn, {} rolled by {}: token t moves to slot (t {} {}) mod N",
                       scene.heads / 2 == scene.heads - 1
                           ? fmt::format("head {} is", scene.heads - 1)
                           : fmt::format("heads {}..{} are", scene.heads / 2, scene.heads - 1),
                       shift, shift < 0 ? "-" : "+", std::abs(shift)),
           fmt::format("qkv[:, :, :, H // 2:] = qkv[:, :, :, H // 2:].roll({}, 1)", shift))
        .why("the shifted heads' groups straddle the other heads' borders, so information crosses them");
    t.group_by(s2).step(
        "segment", {B * n / g, g, 3, H, D}, {"group", "offset", "qkv", "head", "dim"},
        fmt::format("segment: groups of G = {} slots; each shifted head's last group wraps, holding "
                    "the last {} and the first {} tokens",
                    g, wrapped, wrapped),
        "qkv = qkv.view(B * N // G, G, 3, H, D)")
        .why("this wrapped group is where S2-Attn leaks: its first tokens sit after its last ones");
    for (int h = 0; h < scene.heads; ++h) t.place_tokens(h, reassembled.heads[h].token_at_slot);
    t.group_by(reassembled).step(
        "reassemble", {B, n, 3, H, D}, packed,
        p.r2 ? fmt::format("reassemble (reading R2): heads h < H\u00b7p = {}\u00b7{} = {:.2f} return to "
                           "groups of {} (pattern 1); the others stay rolled by {} (pattern 2)",
                           scene.heads, p.proportion, scene.heads * p.proportion, g, shift)
             : fmt::format("reassemble (reading R1): the shifted heads return to token order and are "
                           "cut at [0, {}), then every {}: the wrapped group becomes two segments",
                           wrapped, g),
        p.r2 ? "heads[int(H * p):] = heads[int(H * p):].roll(-G // 2, 1)"
             : "cu_seqlens = [0, G // 2, G // 2 + G, ..., N]  # shifted heads")
        .why(p.r2 ? r2_why(scene, p)
                  : "every segment is now contiguous in token order, so a causal mask on slots is "
                    "causal on tokens: nothing wraps, nothing leaks");
    std::vector<int> sink_tokens;
    for (int tok = 0; tok < std::min(p.sinks, n); ++tok) sink_tokens.push_back(tok);
    t.mark(sink_tokens, "sink").step(
        "sinks", {B, n, H, D}, {"batch", "token", "head", "dim"},
        p.sinks == 0 ? std::string("no sink tokens (--sinks 0)")
                     : fmt::format("{} (sinks = {}{}): every token reads {}, and {} {}",
                                   p.sinks == 1 ? "token 0 is the sink"
                                                : fmt::format("tokens 0..{} are sinks", p.sinks - 1),
                                   p.sinks, p.sinks == kDefaultSinks ? "" : ", default 4",
                                   p.sinks == 1 ? "it" : "them", p.sinks == 1 ? "it reads" : "they read",
                                   p.sink_causal ? "only earlier tokens" : "every token"),
        fmt::format("mask[:, :{0}] = True; mask[:{0}, :] = True{1}", p.sinks,
                    p.sink_causal ? "; mask &= causal" : ""))
        .why(p.sink_causal || p.sinks == 0
                 ? "sinks give every token a path to the start of the sequence (StreamingLLM's "
                   "attention sinks), across every segment border"
                 : "sinks give every token a path to the start of the sequence; a global sink row "
                   "also reads later tokens, a leak that --sink-causal removes");
    masked_trace_attend(t, scene, "the reassembled segments or a sink row or column",
                        "scores = scores.masked_fill(~(segments | sinks), float('-inf'))");
    return t.finish();
  }

  static std::string r2_why(const Scene& scene, const SfParams& p) {
    int rolled = 0;
    for (int h = 0; h < scene.heads; ++h) rolled += !(h < scene.heads * p.proportion);
    if (rolled == 0)
      return fmt::format("with H = {} every head satisfies h < {:.2f}: no head stays shifted, so no "
                         "information crosses a group border except through the sinks",
                         scene.heads, scene.heads * p.proportion);
    return fmt::format("{} of {} heads stay shifted: they carry information across group borders "
                       "and keep S2-Attn's wrapped group",
                       rolled, scene.heads);
  }

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
