// Block-local attention without any shift, and a shifted block-sparse layout that reconstructs
// LongLoRA's Table 6 "block sparse" row.
#include <fmt/format.h>

#include <algorithm>

#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class Block final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "block",
        .description = "block-local causal attention in blocks of B (no shift); --layout shifted: head h reads "
                       "the block h blocks back (reconstruction of LongLoRA Table 6 'block sparse', unverified)",
        .source = "LongLoRA (arXiv 2309.12307) Table 6 'block sparse' (setting known only from a review); "
                  "BlockBERT (Qiu et al. 2020) block permutations across heads",
        .uses = {"g"},
        .params = {
             {.name = "block",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "block size; default: g",
              .replaces = "g"},
             {.name = "layout",
              .kind = ParamSpec::Kind::Text,
              .default_value = "local",
              .help = "local: own block, causal; shifted: head h reads the whole block h blocks back"}},
        .list_order = 60,
        .relatives = {"short", "select-merge", "bigbird"},
        .preset = "block",
        .reference_absent = "the mask is index arithmetic with no separate tensor code to transcribe"};
    return info;
  }
  void validate(const Scene& scene) const override {
    size(scene);
    shifted(scene);
  }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const int b = size(scene);
    const bool shift = shifted(scene);
    VariantBuild out;
    out.masks = runs_masks(scene.n, scene.heads, [&](int h) { return shift ? h : 0; },
                           [&](int h, int q, std::vector<Run>& runs) {
                             const int back = shift ? h : 0;
                             // A query block with no block `back` blocks earlier keeps its own
                             // block, so no row is empty.
                             if (back == 0 || q / b < back) runs.push_back({q / b * b, q + 1});
                             else runs.push_back({(q / b - back) * b, std::min(scene.n, (q / b - back + 1) * b)});
                           });
    FrameLayout blocks;
    blocks.n = scene.n;
    std::vector<std::vector<int>> groups((scene.n + b - 1) / b);
    for (int token = 0; token < scene.n; ++token) groups[token / b].push_back(token);
    blocks.heads.assign(scene.heads, layout_from_groups(scene.n, groups));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.group_by(blocks).step("blocks", {scene.batch, (scene.n + b - 1) / b, b, scene.heads, scene.d},
                            {"batch", "block", "offset", "head", "dim"},
                            fmt::format("cut the tokens into blocks of {}", b),
                            fmt::format("qkv = qkv.view(B, N // {}, {}, 3, H, D)", b, b))
        .why("a view: cutting the token axis into blocks moves no data, and a query's keys then come "
             "from whole blocks");
    masked_trace_attend(
        t, scene,
        shift ? "head h keeps the whole block h blocks back (head 0: its own block, causal)"
              : "each query keeps the earlier keys of its own block",
        shift ? fmt::format("mask = (k // {0} == q // {0} - h)  # head 0: same block and k <= q", b)
              : fmt::format("mask = (q // {0} == k // {0}) & (k <= q)", b));
    out.trace = t.finish();
    out.boundaries.assign(scene.heads, boundaries_every(scene.n, b));
    out.boundary_name = "block";
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    // The "blocks" step keeps tokens in order, so its row r holds token r.
    const Step& blocks = build.trace.steps[build.trace.find("blocks")];
    const int bq = blocks.group(q, head), bk = blocks.group(k, head);
    if (bq == bk) return fmt::format("head {}: query {} and key {} share block {}", head, q, k, bq);
    return fmt::format("head {}: query {} in block {} reads the whole block {}, {} block{} back",
                       head, q, bq, bk, bq - bk, bq - bk == 1 ? "" : "s");
  }

 private:
  static int size(const Scene& scene) {
    return param_int(scene, "block", 1, scene.n, fmt::format("use --block 1..{}", scene.n),
                     std::clamp(scene.g, 1, scene.n));
  }
  static bool shifted(const Scene& scene) {
    const std::string layout = scene_param_text(scene, "layout");
    if (layout != "local" && layout != "shifted")
      throw SceneError("layout: '" + layout + "' is not a block layout; use local or shifted");
    return layout == "shifted";
  }
};

ATTNSCOPE_REGISTER_VARIANT(Block)

}  // namespace
}  // namespace attnscope
