// BigBird ITC: blocks of b; the first and last block are global rows and columns, every block
// reads its neighbours, and each middle block row reads r random blocks. An encoder pattern.
#include <fmt/format.h>

#include <algorithm>

#include "core/scene/variant.hpp"
#include "core/variants/bigbird_plan.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"

namespace attnscope {
namespace {

class BigBird final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "bigbird",
        .description = "BigBird ITC blocks of b: global first/last block, 3-block window, r random blocks per "
                       "middle row (seeded by the scene seed); an encoder pattern, non-causal by design",
        .source = "BigBird (Zaheer et al. 2020); google-research/bigbird core/attention.py full_bigbird_mask, "
                  "bigbird_block_rand_mask",
        .params = {
             {.name = "block",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "block size b"},
             {.name = "random",
              .kind = ParamSpec::Kind::Int,
              .default_value = "1",
              .help = "random key blocks per middle block row"},
             {.name = "rand-blocks",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "",
              .help = "fixed random blocks instead of drawing them, r per middle row, row by row"}},
        .list_order = 120,
        .relatives = {"block", "window", "dilated"},
        .preset = "bigbird"};
    return info;
  }
  void validate(const Scene& scene) const override { bigbird_shape(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const BigBirdPlan plan = bigbird_plan(scene);
    const int b = plan.block, nb = plan.blocks;
    VariantBuild out;
    // Block rows: global first and last block rows read every block; the others read the
    // global blocks, a window of three blocks and their random blocks (drawn per head).
    // Every row of a block reads the same keys, so the block's first row is stored and the
    // others view it.
    out.masks = class_masks(scene.heads, [](int h) { return h; }, [&](int h) {
      RowRuns mask(scene.n, scene.n);
      std::vector<Run> runs;
      for (int q = 0; q < scene.n; ++q) {
        if (q % b != 0) {
          mask.append_row_repeat();
          continue;
        }
        const int i = q / b;
        runs.clear();
        auto block = [&](int j) { runs.push_back({j * b, (j + 1) * b}); };
        if (i == 0 || i == nb - 1) {
          runs.push_back({0, nb * b});
        } else {
          block(0);
          block(nb - 1);
          for (int j = std::max(0, i - 1); j <= std::min(nb - 1, i + 1); ++j) block(j);
          for (int j : plan.random_blocks(h, i)) block(j);
        }
        mask.append_row(runs);
      }
      return mask;
    });
    FrameLayout blocks;
    blocks.n = scene.n;
    std::vector<std::vector<int>> groups(nb);
    for (int token = 0; token < scene.n; ++token) groups[token / b].push_back(token);
    blocks.heads.assign(scene.heads, layout_from_groups(scene.n, groups));
    std::string drawn;
    for (int h = 0; h < std::min(scene.heads, 4); ++h)
      for (int i = 1; i <= std::min(nb - 2, 8); ++i)
        drawn += fmt::format("{}h{} row {} -> {}", drawn.empty() ? "" : "; ", h, i,
                             token_list_text({plan.random_blocks(h, i).begin(), plan.random_blocks(h, i).end()}));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.group_by(blocks).step("blockify", {scene.batch, scene.heads, nb, b, scene.d},
                            {"batch", "head", "block", "offset", "dim"},
                            fmt::format("cut the tokens into {} blocks of {}", nb, b),
                            fmt::format("blocked = x.view(B, H, {}, {}, D)", nb, b))
        .why("BigBird chooses whole blocks, never single keys, so its kernels compute dense b\u00d7b tiles");
    t.step("random-blocks", {scene.heads, std::max(nb - 2, 0), plan.random},
           {"head", "block row", "random"},
           drawn.empty() ? "no random blocks" : "random key blocks per middle block row: " + drawn,
           "rand_attn = bigbird_block_rand_mask(N, N, b, b, r)")
        .why("a few random blocks per row give short paths between any two tokens, which the window "
             "and the global blocks alone would not");
    masked_trace_attend(t, scene,
                        "global rows and columns, the 3-block window and the random blocks",
                        "attn_mask = full_bigbird_mask(N, N, b, b, r, rand_attn)");
    out.trace = t.finish();
    out.boundaries.assign(scene.heads, boundaries_every(scene.n, b));
    out.boundary_name = "block";
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const Step& blocks = build.trace.steps[build.trace.find("blockify")];
    const int i = blocks.group(q, head), j = blocks.group(k, head);
    const int nb = blocks.group(blocks.rows / (blocks.batch.back() + 1) - 1, head) + 1;
    std::string why;
    if (i == 0 || i == nb - 1) why = fmt::format("query block {} is a global block that reads every key", i);
    else if (j == 0 || j == nb - 1) why = fmt::format("key block {} is global: every query reads it", j);
    else if (std::abs(i - j) <= 1) why = fmt::format("key block {} is in the 3-block window of query block {}", j, i);
    else why = fmt::format("key block {} is one of query block {}'s random blocks", j, i);
    return why + (k > q ? "; BigBird is an encoder pattern, so reading a later key is non-causal "
                          "by design (a leak only if trained as a causal LM)"
                        : "");
  }
};

ATTNSCOPE_REGISTER_VARIANT(BigBird)

}  // namespace
}  // namespace attnscope
