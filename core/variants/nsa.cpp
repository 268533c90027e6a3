// Native Sparse Attention: three branches, each with its own mask and softmax, mixed by learned
// gates. Compressed: mean keys of overlapping spans of l keys every d, readable once a span has
// ended. Selected: blocks of l' ranked by the compressed softmax weight that falls in them
// (summed over the query heads of one KV head), the initial and local blocks forced in, the top
// n read token causal. Window: the last w keys. --branch shows one branch; the default is their
// union. With --pitfall the indices of future blocks become 0 instead of -1, as in code that
// pads its index list with zeros: block 0 is read twice and the slot is lost.
#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>

#include "core/base/phase_clock.hpp"
#include "core/base/progress_scope.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/routing.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

constexpr int kRowsPerProduct = 256;  // queries scored per matrix product

enum class Branch { Union, Compressed, Selected, Window };

struct NsaParams {
  int cmp_block = 4, cmp_stride = 2, block = 4, topk = 3, init = 1, local = 1, window = 3, kv_heads = 1;
  Branch branch = Branch::Union;
};

// The compressed tokens query q can read: those whose span [j·d, j·d + l − 1] has ended.
int readable_compressed(const NsaParams& p, int q, int count) {
  return q < p.cmp_block - 1 ? 0 : std::min(count, (q - p.cmp_block + 1) / p.cmp_stride + 1);
}

// Block b's score: the weight of every compressed token once per d-key chunk of its span inside
// the block, the tokens added in order, into score[0..blocks) (blocks no span reaches score 0).
// Token j's chunks are j .. j + l/d − 1 and block b holds chunks b·l'/d .. (b + 1)·l'/d − 1, so
// each block gathers its few tokens directly instead of dividing a chunk index per weight.
void block_scores(const NsaParams& p, const float* weight, int readable, int blocks, std::vector<float>& score) {
  const int chunks = p.cmp_block / p.cmp_stride, per_block = p.block / p.cmp_stride;
  score.assign(blocks, 0.f);
  // A block whose tokens are all readable adds the same tokens, counted from its first chunk, in
  // the same order as every other such block: that sequence is listed once.
  thread_local std::vector<int> inner;
  inner.clear();
  for (int j = 1 - chunks; j < per_block; ++j)
    for (int c = std::max(j, 0); c <= std::min(j + chunks - 1, per_block - 1); ++c) inner.push_back(j);
  for (int b = 0, first = 0; readable > 0 && first < readable + chunks - 1; ++b, first += per_block) {
    const int last = first + per_block - 1;  // the block's last chunk
    float sum = 0.f;
    if (first - chunks + 1 >= 0 && last < readable) {
      for (int j : inner) sum += weight[first + j];
    } else {
      for (int j = std::max(0, first - chunks + 1); j <= std::min(readable - 1, last); ++j)
        for (int c = std::max(j, first); c <= std::min(j + chunks - 1, last); ++c) sum += weight[j];
    }
    score[b] = sum;
  }
}

class NSA final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "nsa",
        .description = "Native Sparse Attention: compressed span means, top-n blocks chosen by the compressed "
                       "weights (initial and local blocks forced), and a sliding window; --branch shows one, "
                       "--pitfall pads future block indices with 0",
        .source = "NSA (arXiv 2502.11089) eq. 9-11; XunhaoLai/native-sparse-attention-triton compressed_attention.py "
                  "(transform_score, topk, -1 for future blocks); reconstruction: a span's mean stands in for the "
                  "learned compression, and the KV head's keys are its group's first head's",
        .params = {
             {.name = "cmp-block", .kind = ParamSpec::Kind::Int, .default_value = "4",
              .help = "keys per compressed token, l (kernel_size)"},
             {.name = "cmp-stride", .kind = ParamSpec::Kind::Int, .default_value = "2",
              .help = "keys between compressed tokens, d (kernel_stride); divides l"},
             {.name = "block", .kind = ParamSpec::Kind::Int, .default_value = "4",
              .help = "tokens per selection block, l' (block_size); a multiple of l"},
             {.name = "topk", .kind = ParamSpec::Kind::Int, .default_value = "3",
              .help = "selection blocks each query reads, forced ones included, n"},
             {.name = "init-blocks", .kind = ParamSpec::Kind::Int, .default_value = "1",
              .help = "first blocks every query reads (init_blocks)"},
             {.name = "local-blocks", .kind = ParamSpec::Kind::Int, .default_value = "1",
              .help = "blocks up to the query's own that every query reads (local_blocks)"},
             {.name = "window", .kind = ParamSpec::Kind::Int, .default_value = "3",
              .help = "sliding-window branch: the w latest keys, q - w < k <= q"},
             {.name = "kv-heads", .kind = ParamSpec::Kind::Int, .default_value = "",
              .help = "KV heads: the query heads of one KV head share their selected blocks; default: one per head"},
             {.name = "branch", .kind = ParamSpec::Kind::Text, .default_value = "union",
              .help = "which cells to show: union, compressed, selected or window"},
             {.name = "pitfall", .kind = ParamSpec::Kind::Flag, .default_value = "false",
              .help = "replace future block indices by 0 instead of -1: block 0 read twice, the slot lost"}},
        .list_order = 210,
        .relatives = {"moba", "streaming", "dsa"},
        .preset = "nsa",
        .reference_absent = "its rows are checked against plain loops written from the paper's and "
                            "compressed_attention.py's rules in tests/core/routing_variants_test.cpp",
        .golden_absent = "the selected blocks depend on the scores of q and k, so its rows are checked against an "
                         "independent loop reference, not hand-derived"};
    return info;
  }
  void validate(const Scene& scene) const override {
    params(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const NsaParams p = params(scene);
    const bool pitfall = param_flag(scene, "pitfall");
    const int n = scene.n, per_group = scene.heads / p.kv_heads;
    const int compressed = n < p.cmp_block ? 0 : (n - p.cmp_block) / p.cmp_stride + 1;
    const int blocks = (n + p.block - 1) / p.block, slots = std::min(p.topk, blocks);
    const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
    auto choices = std::make_shared<RoutingChoices>();
    choices->unit = "block";
    choices->unit_size = p.block;
    choices->drawn_per_query = true;
    choices->score_name = "compressed weight";
    choices->sizes = {{"cmp-block", p.cmp_block}, {"cmp-stride", p.cmp_stride}, {"window", p.window},
                      {"compressed", compressed}, {"branch", static_cast<int>(p.branch)}};
    for (int h = 0; h < scene.heads; ++h) choices->head_selection.push_back(h / per_group);
    const bool keep = routing_keeps_rows(p.kv_heads, n, blocks);
    VariantBuild out;
    std::vector<RowRuns> group_masks;
    std::vector<float> scores, weight, block_score, open;
    std::vector<Run> runs;
    std::vector<int> chosen, future;
    for (int g = 0; g < p.kv_heads; ++g) {
      if (keep) choices->rows.emplace_back(n);
      phase_enter(Phase::Scoring);
      const std::vector<float> cmp_keys = span_mean_keys(qkv, g * per_group, compressed, p.cmp_stride, p.cmp_block);
      RowRuns mask(n, n);
      for (int q0 = 0; q0 < n; q0 += kRowsPerProduct) {
        progress_report(int64_t{g} * n + q0, int64_t{p.kv_heads} * n);
        const int q1 = std::min(n, q0 + kRowsPerProduct);
        phase_enter(Phase::Scoring);
        // Only the tokens the chunk's last query can read are scored: the causal part of the product.
        const int cols = scored_keys(readable_compressed(p, q1 - 1, compressed), compressed);
        // The group's compressed softmax weights: each query head's softmax over the tokens it can
        // read, summed over the heads of the group.
        weight.assign(static_cast<size_t>(q1 - q0) * std::max(cols, 1), 0.f);
        for (int h = g * per_group; h < (g + 1) * per_group; ++h) {
          // Rows as far apart as when every token was scored: the softmax's vectorised sum adds
          // in an order that depends on where a row starts, and so keeps the full product's.
          query_scores(qkv, h, q0, q1, cmp_keys, cols, scale, scores, compressed);
          for (int q = q0; q < q1; ++q) {
            const int readable = readable_compressed(p, q, compressed);
            if (readable == 0) continue;
            float* s = scores.data() + static_cast<size_t>(q - q0) * compressed;
            const float total = softmax_numerators(s, readable);
            Eigen::Map<Eigen::ArrayXf>(weight.data() + static_cast<size_t>(q - q0) * cols, readable) +=
                Eigen::Map<const Eigen::ArrayXf>(s, readable) / total;
          }
        }
        for (int q = q0; q < q1; ++q) {
          const int own = q / p.block, readable = readable_compressed(p, q, compressed);
          phase_enter(Phase::Scoring);
          block_scores(p, weight.data() + static_cast<size_t>(q - q0) * cols, readable, blocks, block_score);
          phase_enter(Phase::Selection);
          // Forced blocks rank first (as +inf), the earliest first; then the scores of the others.
          chosen.clear();
          for (int b = 0; b <= own; ++b)
            if ((b < p.init || b > own - p.local) && static_cast<int>(chosen.size()) < slots) chosen.push_back(b);
          const int forced = static_cast<int>(chosen.size());
          open.assign(block_score.begin(), block_score.begin() + own + 1);
          for (int b : chosen) open[b] = kRoutingFuture;  // already in
          for (int b : ranked_best(open.data(), own + 1, slots - forced))
            if (!std::isinf(open[b])) chosen.push_back(b);
          // A row with fewer than n blocks up to its own still gets n indices: later blocks.
          future.clear();
          for (int b = own + 1; static_cast<int>(chosen.size() + future.size()) < slots; ++b) future.push_back(b);
          phase_enter(Phase::Masks);
          runs.clear();
          if (p.branch == Branch::Union || p.branch == Branch::Compressed)
            if (readable > 0) runs.push_back({0, (readable - 1) * p.cmp_stride + p.cmp_block});
          if (p.branch == Branch::Union || p.branch == Branch::Selected) {
            for (int b : chosen) runs.push_back({b * p.block, std::min({(b + 1) * p.block, n, q + 1})});
            if (pitfall && !future.empty()) runs.push_back({0, std::min(p.block, q + 1)});
          }
          if (p.branch == Branch::Union || p.branch == Branch::Window)
            runs.push_back({std::max(0, q - p.window + 1), q + 1});
          mask.append_row(runs);
          if (keep) {
            phase_enter(Phase::Trace);
            RoutedRow& kept = choices->rows[g][q];
            kept.scores = block_score;
            std::fill(kept.scores.begin() + own + 1, kept.scores.end(), kRoutingFuture);
            kept.chosen = chosen;
            kept.forced = forced;
            kept.removed = future;
            if (pitfall) kept.chosen.insert(kept.chosen.end(), future.size(), 0);
          }
          if (pitfall && keep && !future.empty() && (p.branch == Branch::Union || p.branch == Branch::Selected)) {
            phase_enter(Phase::Trace);
            CellNote note{g * per_group, fmt::format("block 0 counted {} more time{}: the future block index "
                                                     "{} became 0 instead of -1, so its slot is lost",
                                                     future.size(), future.size() == 1 ? "" : "s",
                                                     future.size() == 1 ? "was" : "were"), {}};
            for (int k = 0; k < std::min(p.block, q + 1); ++k) note.cells.emplace_back(q, k);
            for (int h = g * per_group; h < (g + 1) * per_group; ++h) {
              note.head = h;
              out.notes.push_back(note);
            }
          }
        }
      }
      group_masks.push_back(std::move(mask));
    }
    phase_enter(Phase::Masks);
    for (int h = 0; h < scene.heads; ++h) out.masks.push_back(group_masks[h / per_group]);
    phase_enter(Phase::Trace);
    if (p.branch == Branch::Compressed)
      for (int h = 0; h < scene.heads; ++h)
        for (int q = 0; q < std::min(n, p.cmp_block - 1); ++q)
          out.notes.push_back({h, fmt::format("no compressed token has ended by query {}: the first covers keys "
                                              "0..{}, so the compressed branch reads nothing in this row",
                                              q, p.cmp_block - 1), {{q, -1}}});
    out.routing = choices;
    out.trace = trace(scene, p, *choices, compressed, blocks, pitfall);
    out.boundaries.assign(scene.heads, boundaries_every(n, p.block));
    out.boundary_name = "block";
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const RoutingChoices& c = *build.routing;
    const int l = c.sizes.at("cmp-block"), d = c.sizes.at("cmp-stride"), w = c.sizes.at("window");
    const auto branch = static_cast<Branch>(c.sizes.at("branch"));
    std::vector<std::string> reasons;
    if (branch == Branch::Union || branch == Branch::Compressed) {
      const int readable = readable_compressed({.cmp_block = l, .cmp_stride = d}, q, c.sizes.at("compressed"));
      const int first = std::max(0, (k - l + d) / d);  // the earliest compressed token whose span reaches k
      if (first < readable)
        reasons.push_back(fmt::format("compressed: token {} covers keys {}..{} and has ended by query {}", first,
                                      first * d, first * d + l - 1, q));
    }
    if (branch == Branch::Union || branch == Branch::Selected) {
      const std::string selected = routed_unit_text(c, head, q, k / c.unit_size, "initial or local block");
      if (!selected.empty()) reasons.push_back("selected: " + selected);
      else if (k < c.unit_size) reasons.push_back("selected: block 0, where a future block index was replaced by 0");
    }
    if ((branch == Branch::Union || branch == Branch::Window) && q - k < w && k <= q)
      reasons.push_back(fmt::format("window: key {} is among the last {} keys", k, w));
    std::string text = fmt::format("head {}", head);
    for (const std::string& r : reasons) text += "; " + r;
    return reasons.empty() ? fmt::format("head {}: one of the branches reads key {}", head, k) : text;
  }

 private:
  static NsaParams params(const Scene& scene) {
    NsaParams p;
    const std::string range = fmt::format("1..{}", scene.n);
    p.cmp_block = param_int(scene, "cmp-block", 1, scene.n, "use --cmp-block " + range);
    p.cmp_stride = param_int(scene, "cmp-stride", 1, scene.n, "use --cmp-stride " + range);
    p.block = param_int(scene, "block", 1, scene.n, "use --block " + range);
    p.topk = param_int(scene, "topk", 1, scene.n, "use --topk " + range);
    p.init = param_int(scene, "init-blocks", 0, scene.n, fmt::format("use --init-blocks 0..{}", scene.n));
    p.local = param_int(scene, "local-blocks", 0, scene.n, fmt::format("use --local-blocks 0..{}", scene.n));
    p.window = param_int(scene, "window", 0, scene.n, fmt::format("use --window 0..{}", scene.n));
    p.kv_heads = param_int(scene, "kv-heads", 1, scene.heads, fmt::format("use --kv-heads 1..{}", scene.heads), scene.heads);
    // An emptied value reads as 0 (param_int's fallback), which no size may be.
    for (const auto& [name, size] : {std::pair{"cmp-block", p.cmp_block}, std::pair{"cmp-stride", p.cmp_stride},
                                     std::pair{"block", p.block}, std::pair{"topk", p.topk}})
      if (size < 1) throw SceneError(fmt::format("{}: give a whole number 1..{}", name, scene.n));
    if (p.cmp_block % p.cmp_stride != 0)
      throw SceneError(fmt::format("cmp-stride: {} does not divide --cmp-block {}; NSA's compression needs "
                                   "d to divide l", p.cmp_stride, p.cmp_block));
    if (p.block % p.cmp_block != 0)
      throw SceneError(fmt::format("block: {} is not a multiple of --cmp-block {}; NSA scores a selection "
                                   "block from whole compressed tokens", p.block, p.cmp_block));
    if (scene.heads % p.kv_heads != 0)
      throw SceneError(fmt::format("kv-heads: {} does not divide --heads {}; each KV head serves the same "
                                   "number of query heads", p.kv_heads, scene.heads));
    const std::string branch = scene_param_text(scene, "branch");
    if (branch == "union") p.branch = Branch::Union;
    else if (branch == "compressed") p.branch = Branch::Compressed;
    else if (branch == "selected") p.branch = Branch::Selected;
    else if (branch == "window") p.branch = Branch::Window;
    else throw SceneError("branch: '" + branch + "' is not an NSA branch; use union, compressed, selected or window");
    return p;
  }

  static Trace trace(const Scene& scene, const NsaParams& p, const RoutingChoices& choices, int compressed,
                     int blocks, bool pitfall) {
    const int n = scene.n, focus = n - 1;
    const std::string scores = routed_row_text(choices, 0, focus, false), last = routed_row_text(choices, 0, focus, true);
    // The first query whose index list reaches past its own block: the guard's example.
    std::string short_row;
    for (int q = 0; q < n && short_row.empty(); ++q)
      if (const RoutedRow* row = choices.row(0, q); row && !row->removed.empty()) short_row = routed_row_text(choices, 0, q, true);
    FrameLayout layout;
    layout.n = n;
    std::vector<std::vector<int>> groups(blocks);
    for (int token = 0; token < n; ++token) groups[token / p.block].push_back(token);
    layout.heads.assign(scene.heads, layout_from_groups(n, groups));
    std::vector<int> winners;
    if (const RoutedRow* row = choices.row(0, focus))
      for (int b : row->chosen)
        for (int token = b * p.block; token < std::min(n, (b + 1) * p.block); ++token) winners.push_back(token);
    std::sort(winners.begin(), winners.end());
    winners.erase(std::unique(winners.begin(), winners.end()), winners.end());
    const char* shown[] = {"the union of the three branches", "the compressed branch", "the selected branch",
                           "the window branch"};
    const int kvh = p.kv_heads;

    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.step("compress", {scene.batch, compressed, kvh, scene.d}, {"batch", "compressed token", "kv head", "dim"},
           fmt::format("{} compressed tokens: token j is the mean of keys j\u00b7{} .. j\u00b7{} + {}, readable once "
                       "it has ended (j\u00b7{} + {} \u2264 q); queries before key {} read none",
                       compressed, p.cmp_stride, p.cmp_stride, p.cmp_block - 1, p.cmp_stride, p.cmp_block - 1,
                       p.cmp_block - 1),
           fmt::format("k_cmp = F.avg_pool1d(k.transpose(1, 2), kernel_size={}, stride={})", p.cmp_block, p.cmp_stride))
        .why("NSA learns this pooling; the mean stands in for it here, and the cells do not depend on it");
    t.step("compressed-attn", {scene.batch, scene.heads, n, compressed}, {"batch", "head", "query", "compressed token"},
           "each query's softmax over its readable compressed tokens: the compressed branch, which reads the keys "
           "they cover",
           "p_cmp = (q @ k_cmp.T / sqrt(D)).masked_fill(~ended, -inf).softmax(-1).nan_to_num(0)")
        .why("the same weights rank the selection blocks, so selection costs no second scoring pass");
    t.group_by(layout).step("block-score", {scene.batch, kvh, n, blocks}, {"batch", "kv head", "query", "block"},
           fmt::format("block score: the compressed weight of every token overlapping a block of {}, once per "
                       "{}-key chunk inside it, summed over the query heads of one KV head",
                       p.block, p.cmp_stride) + (scores.empty() ? "" : "; " + scores),
           "p_slc = transform_score(p_cmp.view(KVH, H // KVH, N, -1).sum(1))")
        .why("the heads of a KV head share one choice, so the KV cache reads one block list per group");
    t.step("force", {scene.batch, kvh, n, blocks}, {"batch", "kv head", "query", "block"},
           fmt::format("blocks b < {} and the local blocks q//{} - {} < b \u2264 q//{} are forced in (+\u221e)", p.init,
                       p.block, p.local, p.block),
           "block_score[..., :init_blocks] = inf; block_score[local_mask] = inf")
        .why("the start of the sequence and the query's neighbourhood are always read, whatever the scores");
    t.mark(winners, "selected").step("top-n", {scene.batch, kvh, n, p.topk}, {"batch", "kv head", "query", "chosen"},
           fmt::format("each query keeps the {} best blocks, forced ones included; ties go to the earlier block",
                       p.topk) + (last.empty() ? "" : "; " + last),
           fmt::format("topk_idx = block_score.topk({}, dim=-1).indices.sort(-1).values", p.topk))
        .why("top-k always returns n indices: a query with fewer blocks up to its own gets future ones");
    t.mark({}, "").step("guard", {scene.batch, kvh, n, p.topk}, {"batch", "kv head", "query", "chosen"},
           (pitfall ? std::string("future block indices become 0 (pitfall): block 0 is read twice and the slot is lost")
                    : std::string("future block indices become -1 and are skipped; inside a block k \u2264 q")) +
               (short_row.empty() ? "" : "; " + short_row),
           pitfall ? "topk_idx[topk_idx > q // block_size] = 0" : "topk_idx[topk_idx > q // block_size] = -1")
        .why("-1 is the kernel's 'no block'; 0 is a real block, so it is read again");
    t.step("window", {scene.batch, scene.heads, n, p.window}, {"batch", "head", "query", "key"},
           fmt::format("the window branch reads the last {} keys, q - {} < k \u2264 q", p.window, p.window),
           fmt::format("flash_attn_func(q, k, v, causal=True, window_size=({}, 0))", p.window - 1))
        .why("local context gets its own branch, so the other two learn long-range structure");
    masked_trace_attend(t, scene,
                        fmt::format("{}; in NSA each branch has its own softmax and gates mix the three outputs",
                                    shown[static_cast<int>(p.branch)]),
                        "o = g_cmp * o_cmp + g_slc * o_slc + g_win * o_win");
    return t.finish();
  }
};

ATTNSCOPE_REGISTER_VARIANT(NSA)

}  // namespace
}  // namespace attnscope
