// A user's own mask read from a file (.npy, .pt, a FlexAttention block mask), drawn and judged
// like any variant: `attnscope gui --mask-file FILE`, `attnscope export --mask-file FILE`.
#include <fmt/format.h>

#include "core/masks/user_mask.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class MaskFileVariant final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "file",
        .description = "your own mask from a file (.npy, .pt, FlexAttention block mask), batch row 0, heads as saved",
        .source = "the file given with --mask-file",
        .params = {
             {.name = "mask-file",
              .kind = ParamSpec::Kind::Path,
              .default_value = "",
              .help = "a mask saved with numpy.save or torch.save"},
             {.name = "mask-kind",
              .kind = ParamSpec::Kind::Text,
              .default_value = "auto",
              .help = "how the file's values map to cells: auto, bool, blocked, additive, weights"},
             {.name = "mask-align",
              .kind = ParamSpec::Kind::Text,
              .default_value = "bottom-right",
              .help = "where an (Nq, Nk) mask's queries sit: bottom-right or top-left"},
             {.name = "file-weights",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "the file holds a model's attention weights (output_attentions=True): show them instead of "
                      "weights computed from q, k (what --attention FILE sets)"}},
        .list_order = 160,
        .relatives = {"full", "flash"},
        .preset = "file",
        .reference_absent = "the cells come from the file; there is no tensor code to transcribe",
        .golden_absent = "the cells come from the file; lint's tests check the readers on real framework masks"};
    return info;
  }
  void validate(const Scene& scene) const override {
    const auto mask = user_mask_of_scene(scene);
    if (scene.n != mask->shape.keys)
      throw SceneError(fmt::format("n: the mask file has {} keys; use --n {}", mask->shape.keys,
                                   mask->shape.keys));
    if (mask->shape.heads != 1 && scene.heads != mask->shape.heads)
      throw SceneError(fmt::format("heads: the mask file has {} heads; use --heads {}",
                                   mask->shape.heads, mask->shape.heads));
    if (param_flag(scene, "file-weights")) {
      const auto weights = AttentionWeights::open(scene_param_text(scene, "mask-file"));
      if (weights->n() != scene.n || (weights->heads() != 1 && weights->heads() != scene.heads))
        throw SceneError(fmt::format("mask-file: its weights have {} heads of {} × {}; the scene has {} heads of {} "
                                     "tokens",
                                     weights->heads(), weights->n(), weights->n(), scene.heads, scene.n));
    }
  }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const auto mask = user_mask_of_scene(scene);
    VariantBuild out;
    const auto slice_of = [&](int head) { return mask->shape.heads == 1 ? 0 : head; };
    for (int h = 0; h < scene.heads; ++h) {
      out.masks.push_back(user_mask_square(*mask, slice_of(h)));
      // lint's other findings about this head's slice; leaks the analysis finds itself. Cells
      // the policy allows and a sparse mask blocks by design are not marked unless they fail.
      for (const MaskFinding& f : mask->lint.findings) {
        const bool marked = f.name != "leak" && (f.name != "under-coverage" || f.fails);
        if (marked && (f.slice == -1 || f.slice == slice_of(h))) out.notes.push_back({h, f.text, f.cells});
      }
    }
    if (param_flag(scene, "file-weights")) out.given_weights = AttentionWeights::open(scene_param_text(scene, "mask-file"));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    masked_trace_attend(t, scene, mask->reason,
                        fmt::format("scores + mask  # {}", scene_param_text(scene, "mask-file")));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild&, int, int, int) const override {
    return "the mask file allows it";
  }

};

ATTNSCOPE_REGISTER_VARIANT(MaskFileVariant)

}  // namespace
}  // namespace attnscope
