// flash-attention's arguments as a mask: varlen packing (cu_seqlens), a sliding window
// (window_size = (left, right), -1 = unbounded) and causal. window_size = (w, w) reads 2w + 1
// keys, which surprises people who meant a window of w.
#include <fmt/format.h>

#include <algorithm>

#include "core/scene/policy.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct FlashParams {
  std::vector<int> starts;  // sequence starts, then n
  int left = -1, right = -1;
  bool causal = false;

  // Row q's keys, one run: its own sequence cut by the window and by causal.
  Run keys_of(int q) const {
    const size_t s = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), q) - starts.begin()) - 1;
    int begin = starts[s], end = starts[s + 1];
    if (left >= 0) begin = std::max(begin, q - left);
    if (right >= 0) end = std::min(end, q + right + 1);
    if (causal) end = std::min(end, q + 1);
    return {begin, std::max(begin, end)};
  }
};

class Flash final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "flash",
        .description = "flash-attention's arguments: packed sequences (cu_seqlens), window_size=(left, right) "
                       "keys around the query, causal",
        .source = "flash-attention flash_attn_varlen_func(cu_seqlens_q, cu_seqlens_k, causal, window_size)",
        .params = {
             {.name = "cu-seqlens",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "",
              .help = "packed sequences as offsets 0,a,a+b,...,N; default one sequence of N"},
             {.name = "window-size",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "-1,-1",
              .help = "window_size=(left, right): keys q-left..q+right, -1 = unbounded; (w, w) reads 2w+1 keys"},
             {.name = "causal",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "causal=True: no key after the query"}},
        .list_order = 155,
        .relatives = {"s2-fix-split", "window", "full"},
        .preset = "flash",
        .reference_absent = "flash-attention is a CUDA kernel; its documented index rule is checked by golden rows"};
    return info;
  }
  void validate(const Scene& scene) const override { params(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const FlashParams p = params(scene);
    VariantBuild out;
    out.masks = runs_masks(scene.n, scene.heads, [](int) { return 0; }, [&p](int, int q, std::vector<Run>& runs) {
      const Run run = p.keys_of(q);
      if (run.begin < run.end) runs.push_back(run);
    });
    std::vector<int> boundaries(p.starts.begin() + 1, p.starts.end() - 1);
    out.boundaries.assign(scene.heads, boundaries);
    out.boundary_name = "sequence";
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    masked_trace_attend(
        t, scene,
        fmt::format("each query keeps the keys of its own sequence{}{}", window_text(p),
                    p.causal ? ", none after itself" : ""),
        fmt::format("flash_attn_varlen_func(q, k, v, cu_seqlens, cu_seqlens, max_len, max_len, "
                    "causal={}, window_size=({}, {}))",
                    p.causal ? "True" : "False", p.left, p.right));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild&, int, int q, int k) const override {
    return fmt::format("key {} is in query {}'s packed sequence and within window_size of it", k, q);
  }

 private:
  static std::string window_text(const FlashParams& p) {
    if (p.left < 0 && p.right < 0) return "";
    const auto side = [](int w) { return w < 0 ? std::string("all") : std::to_string(w); };
    return fmt::format(", {} before and {} after it", side(p.left), side(p.causal ? 0 : p.right));
  }

  static FlashParams params(const Scene& scene) {
    FlashParams p;
    const std::vector<int64_t> offsets = scene_param_text(scene, "cu-seqlens").empty()
                                             ? std::vector<int64_t>{0, scene.n}
                                             : scene_param_int_list(scene, "cu-seqlens");
    p.starts = {0};
    for (int length : cu_seqlens_lengths(offsets, scene.n)) p.starts.push_back(p.starts.back() + length);
    const std::vector<int64_t> window = scene_param_int_list(scene, "window-size");
    if (window.size() != 2 || window[0] < -1 || window[1] < -1)
      throw SceneError("window-size: give left,right with -1 for unbounded, e.g. --window-size 2,2");
    p.left = static_cast<int>(window[0]);
    p.right = static_cast<int>(window[1]);
    p.causal = param_flag(scene, "causal");
    return p;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Flash)

}  // namespace
}  // namespace attnscope
