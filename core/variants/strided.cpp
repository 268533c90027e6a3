// Sparse Transformer strided attention: even heads read the last l keys, odd heads every l-th key.
#include <fmt/format.h>

#include <cmath>

#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class Strided final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "strided",
        .description = "Sparse Transformer strided: even heads 0 <= q-k < l (local), odd heads k <= q and "
                       "(q-k) mod l == 0 (strided)",
        .source = "Sparse Transformer (arXiv 1904.10509) §4.3; openai/sparse_attention get_attn_mask "
                  "'local' and 'strided'",
        .params = {
             {.name = "stride",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "stride l; default: floor(sqrt(n))"}},
        .list_order = 80,
        .relatives = {"fixed", "window", "dilated"},
        .preset = "strided"};
    return info;
  }
  void validate(const Scene& scene) const override { stride(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const int l = stride(scene);
    VariantBuild out;
    out.masks = class_masks(scene.heads, [](int h) { return h % 2; }, [&](int h) {
      return h % 2 == 0 ? local_mask(scene.n, l) : strided_mask(scene.n, l);
    });
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    masked_trace_attend(
        t, scene,
        fmt::format("even heads keep the last {} keys, odd heads every {}-th key back", l, l),
        fmt::format("mask = get_attn_mask(N, 'local', {0}) if h % 2 == 0 else "
                    "get_attn_mask(N, 'strided', {0})",
                    l));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild&, int head, int q, int k) const override {
    return head % 2 == 0
               ? fmt::format("head {} is a local head: key {} is {} back from query {}, inside the "
                             "band of l", head, k, q - k, q)
               : fmt::format("head {} is a strided head: q - k = {} is a multiple of l", head, q - k);
  }

 private:
  static RowRuns local_mask(int n, int l) {
    RowRuns mask(n, n);
    for (int q = 0; q < n; ++q) mask.append_row({{std::max(0, q - l + 1), q + 1}});
    return mask;
  }
  // Row q reads keys q mod l, q mod l + l, ..., q: a prefix of its residue's list, so each list
  // is stored once and rows view it (N runs in all rather than N²/2l, 24 M at N = 131072).
  static RowRuns strided_mask(int n, int l) {
    if (l == 1) return local_mask(n, n);  // every key up to q: one run per row
    RowRuns mask(n, n);
    std::vector<int64_t> residue_first;
    for (int r = 0; r < std::min(l, n); ++r) {
      std::vector<Run> keys;
      for (int k = r; k < n; k += l) keys.push_back({k, k + 1});
      residue_first.push_back(mask.store_runs(keys));
    }
    for (int q = 0; q < n; ++q) mask.append_row_view(residue_first[q % l], q / l + 1);
    return mask;
  }
  static int stride(const Scene& scene) {
    return param_int(scene, "stride", 1, scene.n, fmt::format("use --stride 1..{}", scene.n),
                     std::max(1, static_cast<int>(std::sqrt(static_cast<double>(scene.n)))));
  }
};

ATTNSCOPE_REGISTER_VARIANT(Strided)

}  // namespace
}  // namespace attnscope
