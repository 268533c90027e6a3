// MoBA, mixture of block attention: each query scores every earlier block by q · (mean key of the
// block), always reads its own block (which counts toward K) and the K − 1 best earlier blocks,
// token causal inside its own block. With --pitfall the token causal mask is left out, as in
// code that relies on the block gate alone: a row with fewer than K valid blocks then reads the
// future blocks top-k filled its list with, and every row reads its whole own block.
#include <fmt/format.h>

#include <algorithm>
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

constexpr int kRowsPerProduct = 512;  // queries scored per matrix product

class MoBA final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "moba",
        .description = "MoBA block routing: each query reads its own block (causal) and the K - 1 earlier blocks "
                       "whose mean key scores highest with it (data dependent); --pitfall drops the token causal mask",
        .source = "MoBA (arXiv 2502.13189); MoonshotAI/MoBA moba_naive.py (gate = q · mean key per block, own "
                  "block +\u221e, later blocks \u2212\u221e, torch.topk, then tril); ties to the earlier block are this tool's rule",
        .params = {
             {.name = "block",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "tokens per block (moba_chunk_size)"},
             {.name = "topk",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "blocks each query reads, its own block included (moba_topk)"},
             {.name = "pitfall",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "leave out the token causal mask (tril): selected blocks are read whole, future ones too"}},
        .list_order = 200,
        .relatives = {"select-merge", "nsa", "block"},
        .preset = "moba",
        .reference_absent = "its rows are checked against plain loops written from moba_naive.py's rule in "
                            "tests/core/routing_variants_test.cpp",
        .golden_absent = "the chosen blocks depend on the scores of q and k, so its rows are checked against an "
                         "independent loop reference, not hand-derived"};
    return info;
  }
  void validate(const Scene& scene) const override {
    params(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const auto [b, kk] = params(scene);
    const bool pitfall = param_flag(scene, "pitfall");
    const int n = scene.n, blocks = (n + b - 1) / b, take = std::min(kk, blocks);
    auto choices = std::make_shared<RoutingChoices>();
    choices->unit = "block";
    choices->unit_size = b;
    choices->drawn_per_query = true;
    choices->score_name = "gate";
    const bool keep = routing_keeps_rows(scene.heads, n, blocks);
    VariantBuild out;
    std::vector<float> gate;
    std::vector<int> read, future;
    std::vector<Run> runs;
    for (int h = 0; h < scene.heads; ++h) {
      choices->head_selection.push_back(h);
      if (keep) choices->rows.emplace_back(n);
      phase_enter(Phase::Scoring);
      const std::vector<float> mean_keys = span_mean_keys(qkv, h, blocks, b, b);
      RowRuns mask(n, n);
      for (int q0 = 0; q0 < n; q0 += kRowsPerProduct) {
        progress_report(int64_t{h} * n + q0, int64_t{scene.heads} * n);
        const int q1 = std::min(n, q0 + kRowsPerProduct);
        // Only the blocks up to the chunk's last query's own block are read or shown: score those.
        const int scored = scored_keys((q1 - 1) / b + 1, blocks);
        phase_enter(Phase::Scoring);
        query_scores(qkv, h, q0, q1, mean_keys, scored, 1.f, gate);  // moba_naive: no 1/√D in the gate
        for (int q = q0; q < q1; ++q) {
          const float* row = gate.data() + static_cast<size_t>(q - q0) * scored;
          const int own = q / b;
          phase_enter(Phase::Selection);
          read.assign(1, own);
          for (int i : ranked_best(row, own, take - 1)) read.push_back(i);
          // top-k over the whole gate fills a short list with later blocks (all -inf, the earliest
          // first); the token causal mask removes them again.
          future.clear();
          for (int i = own + 1; static_cast<int>(read.size() + future.size()) < take; ++i) future.push_back(i);
          if (pitfall) read.insert(read.end(), future.begin(), future.end());
          phase_enter(Phase::Masks);
          runs.clear();
          for (int i : read) {
            const int end = std::min(n, (i + 1) * b);
            if (pitfall || i <= own) runs.push_back({i * b, pitfall ? end : std::min(end, q + 1)});
          }
          mask.append_row(runs);
          if (keep) {
            phase_enter(Phase::Trace);
            RoutedRow& kept = choices->rows[h][q];
            kept.scores.assign(row, row + own + 1);
            kept.scores.resize(blocks, kRoutingFuture);
            kept.chosen = read;
            kept.forced = 1;
            if (!pitfall) kept.removed = future;
          }
        }
      }
      out.masks.push_back(std::move(mask));
    }
    out.routing = choices;
    phase_enter(Phase::Trace);
    out.trace = trace(scene, *choices, b, kk, pitfall);
    out.boundaries.assign(scene.heads, boundaries_every(n, b));
    out.boundary_name = "block";
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const int b = build.routing->unit_size, i = k / b;
    std::string why = routed_unit_text(*build.routing, head, q, i, "the own block is always read and counts toward K");
    if (why.empty())
      why = i == q / b ? fmt::format("block {} is query {}'s own block, always read", i, q)
                       : fmt::format("block {}'s mean key scored among the best earlier blocks", i);
    if (k > q) why += "; it lies after the query and is read only because the token causal mask is missing";
    return fmt::format("head {}: {}", head, why);
  }

 private:
  static std::pair<int, int> params(const Scene& scene) {
    const int b = param_int(scene, "block", 1, scene.n, fmt::format("use --block 1..{}", scene.n));
    const int kk = param_int(scene, "topk", 1, scene.n, fmt::format("use --topk 1..{}", scene.n));
    return {b, kk};
  }

  static Trace trace(const Scene& scene, const RoutingChoices& choices, int b, int kk, bool pitfall) {
    const int n = scene.n, blocks = (n + b - 1) / b, focus = n - 1;
    // The row the captions quote: the last query, whose every earlier block competes, and the
    // first, whose list top-k fills with later blocks when K > 1.
    const std::string scores = routed_row_text(choices, 0, focus, false), last = routed_row_text(choices, 0, focus, true),
                      first = routed_row_text(choices, 0, 0, true);
    FrameLayout layout;
    layout.n = n;
    std::vector<std::vector<int>> groups(blocks);
    for (int token = 0; token < n; ++token) groups[token / b].push_back(token);
    layout.heads.assign(scene.heads, layout_from_groups(n, groups));
    std::vector<int> winners;
    if (const RoutedRow* row = choices.row(0, focus))
      for (int i : row->chosen)
        for (int token = i * b; token < std::min(n, (i + 1) * b); ++token) winners.push_back(token);
    std::sort(winners.begin(), winners.end());

    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.group_by(layout).step("pool", {scene.batch, blocks, scene.heads, scene.d}, {"batch", "block", "head", "dim"},
                            fmt::format("cut the keys into blocks of {}; each block's gate key is the mean of its keys", b),
                            fmt::format("k_bar = torch.stack([k[i*{0}:(i+1)*{0}].mean(0) for i in range({1})])", b, blocks))
        .why("one mean key per block lets a query score a block with a single dot product");
    t.step("gate", {scene.batch, scene.heads, n, blocks}, {"batch", "head", "query", "block"},
           "gate s(q, i) = q \u00b7 k_bar_i for every query and block" + (scores.empty() ? "" : "; " + scores),
           "gate = torch.einsum('shd,nhd->hsn', q, k_bar)")
        .why("a plain dot product, no softmax: only the order of a query's block scores matters");
    t.step("force", {scene.batch, scene.heads, n, blocks}, {"batch", "head", "query", "block"},
           "the own block q//B is forced (+\u221e) and counts toward K; later blocks get \u2212\u221e",
           "gate[:, i*B:(i+1)*B, i] = inf; gate[:, :i*B, i] = -inf  # for every block i")
        .why(kk == 1 ? std::string("with K = 1 the own block fills the list: no score is needed")
                     : fmt::format("with the own block forced, the scores pick the other {} block{}", kk - 1,
                                   kk - 1 == 1 ? "" : "s"));
    t.mark(winners, "selected").step("top-k", {scene.batch, scene.heads, n, kk}, {"batch", "head", "query", "chosen"},
           fmt::format("each query keeps its {} highest gates; ties go to the earlier block", kk) +
               (last.empty() ? "" : "; " + last + "; " + first),
           fmt::format("idx = gate.topk({}, -1).indices", kk))
        .why("a query with fewer than K valid blocks still gets K indices: the rest point at future blocks");
    t.mark({}, "").step("causal", {scene.batch, scene.heads, n, n}, {"batch", "head", "query", "key"},
           pitfall ? "token causal mask skipped (pitfall): the chosen blocks are read whole, the own block's "
                     "later tokens and the future blocks top-k filled short rows with"
                   : "expand blocks to tokens and apply the token causal mask: k \u2264 q inside the own block, "
                     "and the future blocks of short rows are dropped",
           pitfall ? "gate = gate.repeat_interleave(B, -1)[..., :N]  # no tril"
                   : "gate = gate.repeat_interleave(B, -1)[..., :N].masked_fill(~tril, -inf)")
        .why("the block gate alone is not causal: the own block holds later tokens, and top-k returns future "
             "blocks when fewer than K are valid");
    masked_trace_attend(t, scene,
                        pitfall ? "the chosen blocks whole: future cells are readable"
                                : kk == 2 ? std::string("the own block up to the query and the best earlier block")
                                          : fmt::format("the own block up to the query and the {} best earlier blocks", kk - 1),
                        pitfall ? "mask = block_chosen[q, k // B]"
                                : "mask = block_chosen[q, k // B] & (k <= q)");
    return t.finish();
  }
};

ATTNSCOPE_REGISTER_VARIANT(MoBA)

}  // namespace
}  // namespace attnscope
