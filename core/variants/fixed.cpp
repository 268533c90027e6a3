// Sparse Transformer fixed attention: even heads read their own stride block, odd heads the last
// c "summary" positions of every block.
#include <fmt/format.h>

#include <cmath>

#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class Fixed final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "fixed",
        .description = "Sparse Transformer fixed: even heads k <= q in the same block of l, odd heads k <= q and "
                       "k mod l >= l-c (summary columns)",
        .source = "Sparse Transformer (arXiv 1904.10509) §4.3 A1/A2; openai/sparse_attention "
                  "get_blocksparse_obj('fixed') at block level",
        .params = {
             {.name = "stride",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "stride l; default: floor(sqrt(n))"},
             {.name = "c",
              .kind = ParamSpec::Kind::Int,
              .default_value = "1",
              .help = "summary positions at the end of every block"}},
        .list_order = 90,
        .relatives = {"strided", "block", "window"},
        .preset = "fixed"};
    return info;
  }
  void validate(const Scene& scene) const override { params(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const auto [l, c] = params(scene);
    VariantBuild out;
    // Init-captures: clang 14 (the fuzz build) cannot capture structured bindings.
    out.masks = class_masks(scene.heads, [](int h) { return h % 2; }, [&scene, l = l, c = c](int h) {
      return h % 2 == 0 ? block_mask(scene.n, l) : summary_mask(scene.n, l, c);
    });
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    masked_trace_attend(
        t, scene,
        fmt::format("even heads keep their own block of {}, odd heads the last {} position{} of "
                    "every block",
                    l, c, c == 1 ? "" : "s"),
        fmt::format("mask = (k <= q) & ((k // {0} == q // {0}) if h % 2 == 0 else (k % {0} >= {1}))",
                    l, l - c));
    out.trace = t.finish();
    // Both head kinds are laid out in blocks of l: own block (even) or its last c columns (odd).
    out.boundaries.assign(scene.heads, boundaries_every(scene.n, l));
    out.boundary_name = "block";
    return out;
  }
  std::string explain_allowed(const VariantBuild&, int head, int q, int k) const override {
    return head % 2 == 0
               ? fmt::format("head {} reads its own block: query {} and key {} share a block of l",
                             head, q, k)
               : fmt::format("head {} reads summary columns: key {} is among the last c positions "
                             "of its block", head, k);
  }

 private:
  static RowRuns block_mask(int n, int l) {
    RowRuns mask(n, n);
    for (int q = 0; q < n; ++q) mask.append_row({{q / l * l, q + 1}});
    return mask;
  }
  // Row q in block b reads the summary runs of blocks 0..b-1 and its own block's, cut at q:
  // mostly a prefix of one stored list, which rows view (N/l runs stored rather than N²/2l).
  static RowRuns summary_mask(int n, int l, int c) {
    if (c == l) return block_mask(n, n);  // every column is a summary column: all keys up to q
    RowRuns mask(n, n);
    std::vector<Run> summary;
    for (int block = 0; block * l + l - c < n; ++block)
      summary.push_back({block * l + l - c, std::min(block * l + l, n)});
    const int64_t first = mask.store_runs(summary);
    for (int q = 0; q < n; ++q) {
      const int block = q / l, own_begin = block * l + l - c;
      if (q < own_begin) {
        mask.append_row_view(first, block);
      } else if (q + 1 >= summary[block].end) {
        mask.append_row_view(first, block + 1);
      } else {  // inside its own summary run: the run is cut at q
        std::vector<Run> runs(summary.begin(), summary.begin() + block);
        runs.push_back({own_begin, q + 1});
        mask.append_row(runs);
      }
    }
    return mask;
  }
  static std::pair<int, int> params(const Scene& scene) {
    const int l = param_int(scene, "stride", 1, scene.n, fmt::format("use --stride 1..{}", scene.n),
                            std::max(1, static_cast<int>(std::sqrt(static_cast<double>(scene.n)))));
    const int c = param_int(scene, "c", 1, l, fmt::format("use --c 1..{} (at most the stride)", l));
    return {l, c};
  }
};

ATTNSCOPE_REGISTER_VARIANT(Fixed)

}  // namespace
}  // namespace attnscope
