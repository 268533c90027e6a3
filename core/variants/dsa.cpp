// DeepSeek Sparse Attention: a lightning indexer scores every earlier key for each query,
// I(q, k) = Σ_h ReLU(q_h · k_h) over the heads, and every head reads the same K best keys. A
// query with fewer than K earlier keys reads them all. With --pitfall the second causal mask
// (added to the index mask after top-k) is left out: top-k then returns future keys for q < K.
#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <memory>

#include "core/base/input_error.hpp"
#include "core/base/phase_clock.hpp"
#include "core/base/progress_scope.hpp"
#include "core/cells/row_runs.hpp"
#include "core/cells/structure_budget.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/routing.hpp"
#include "core/variants/routing_pick.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

constexpr int kRowsPerProduct = 256;  // queries scored per matrix product
constexpr int kKeysPerTile = 256;     // keys per product, about: a tile of scores and of the index fit in L2

// The mask keeps K scattered keys per query, up to one run each: asking the budget for that
// before the O(N²) scoring refuses a scene that cannot fit at once, with its size, instead of
// after minutes of scoring (N = 131072, K = 2048 would take 2 GiB).
void reserve_mask_budget(int n, int kk) {
  const int64_t keys = std::min(kk, n);
  // Rows q < K read every earlier key, one run; the others up to K runs.
  const int64_t bytes = (keys + (n - keys) * keys) * static_cast<int64_t>(sizeof(Run));
  BudgetCharge reservation;
  try {
    reservation.update(bytes);
  } catch (const SceneError&) {
    throw SceneError(fmt::format("n: dsa's {} keys for each of {} queries take up to {} MiB of masks, more than the "
                                 "memory budget; raise --max-memory to {} or reduce --n",
                                 kk, n, bytes >> 20, (bytes >> 20) + 256));
  }
}

// The indexer's scores I(q, k) = Σ_h ReLU(q_h · k_h) of queries [q0, q1) and keys [0, q1) into
// index[(q - q0) · q1 + k], the heads added in order. The products go a tile of keys at a time,
// so each head's tile is added to the index while it is still in cache instead of passing
// through memory once per head.
void index_scores(const Qkv& qkv, const std::vector<std::vector<float>>& head_keys, int q0, int q1,
                  std::vector<float>& index) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int rows = q1 - q0, d = qkv.d;
  index.assign(static_cast<size_t>(rows) * q1, 0.f);
  // The packed (B, N, 3, H, D) tensor puts one token's q 3·H·D floats after the previous one's.
  const Eigen::OuterStride<> token(3L * qkv.heads * d);
  thread_local RowMajor tile;
  const int width = scored_keys(kKeysPerTile, q1);  // whole panels, so no score changes with the tiling
  for (int k0 = 0; k0 < q1; k0 += width) {
    const int cols = std::min(width, q1 - k0);
    Eigen::Map<RowMajor, 0, Eigen::OuterStride<>> sum(index.data() + k0, rows, cols, Eigen::OuterStride<>(q1));
    for (int h = 0; h < qkv.heads; ++h) {
      const Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>> q(qkv.row(0, q0, Qkv::Q, h), rows, d, token);
      const Eigen::Map<const RowMajor> k(head_keys[h].data() + static_cast<size_t>(k0) * d, cols, d);
      tile.noalias() = q * k.transpose();
      sum += tile.cwiseMax(0.f);
    }
  }
}

class DSA final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "dsa",
        .description = "DeepSeek Sparse Attention: an indexer sum over heads of ReLU(q_h · k_h) picks the K best "
                       "keys k <= q, shared by every head (data dependent); --pitfall drops the second causal mask",
        .source = "DeepSeek-V3.2-Exp inference/model.py Indexer and MLA (index_score.topk, index_mask += mask); "
                  "reconstruction: the scene's heads stand in for the indexer's heads, with uniform weights",
        .params = {
             {.name = "topk",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "keys each query reads (index_topk)"},
             {.name = "pitfall",
              .kind = ParamSpec::Kind::Flag,
              .default_value = "false",
              .help = "leave out the causal mask added after top-k: queries q < K read future keys"}},
        .list_order = 220,
        .relatives = {"topk", "nsa", "moba"},
        .preset = "dsa",
        .reference_absent = "its rows are checked against plain loops written from model.py's rule in "
                            "tests/core/routing_variants_test.cpp",
        .golden_absent = "the chosen keys depend on the scores of q and k, so its rows are checked against an "
                         "independent loop reference, not hand-derived"};
    return info;
  }
  void validate(const Scene& scene) const override {
    keep(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const int kk = keep(scene), n = scene.n;
    const bool pitfall = param_flag(scene, "pitfall");
    reserve_mask_budget(n, kk);
    auto choices = std::make_shared<RoutingChoices>();
    choices->unit = "key";
    choices->drawn_per_query = true;
    choices->score_name = "indexer score";
    choices->head_selection.assign(scene.heads, 0);
    const bool kept_rows = routing_keeps_rows(1, n, n);
    if (kept_rows) choices->rows.emplace_back(n);
    phase_enter(Phase::Scoring);
    std::vector<float> index;
    std::vector<std::vector<float>> head_keys(scene.heads);
    for (int h = 0; h < scene.heads; ++h) {
      head_keys[h].resize(static_cast<size_t>(n) * qkv.d);
      for (int k = 0; k < n; ++k) std::copy_n(qkv.row(0, k, Qkv::K, h), qkv.d, head_keys[h].data() + static_cast<size_t>(k) * qkv.d);
    }
    RowRuns mask(n, n);
    std::vector<int> best, future, in_order;
    for (int q0 = 0; q0 < n; q0 += kRowsPerProduct) {
      progress_report(int64_t{q0} * q0, int64_t{n} * n);
      const int q1 = std::min(n, q0 + kRowsPerProduct);
      // Only the keys up to the chunk's last query can be chosen: score those.
      phase_enter(Phase::Scoring);
      index_scores(qkv, head_keys, q0, q1, index);
      for (int q = q0; q < q1; ++q) {
        const float* row = index.data() + static_cast<size_t>(q - q0) * q1;
        phase_enter(Phase::Selection);
        // Ranked only when the explanations keep it; the mask needs the keys in order.
        best = ranked_best(row, q + 1, kk, kept_rows);
        // Without the second mask, top-k over a row whose later keys are -inf fills its K slots
        // with them, the earliest first.
        future.clear();
        for (int k = q + 1; static_cast<int>(best.size() + future.size()) < kk && k < n; ++k) future.push_back(k);
        if (kept_rows) {
          phase_enter(Phase::Trace);
          RoutedRow& kept = choices->rows[0][q];
          kept.scores.assign(row, row + q + 1);
          kept.scores.resize(n, kRoutingFuture);
          kept.chosen = best;
          if (pitfall) kept.chosen.insert(kept.chosen.end(), future.begin(), future.end());
          else kept.removed = future;
        }
        // The mask's keys in column order: the chosen ones k <= q, then the future ones.
        phase_enter(Phase::Masks);
        const std::vector<int>* keys = &best;
        if (kept_rows || pitfall) {
          in_order = best;
          std::sort(in_order.begin(), in_order.end());
          if (pitfall) in_order.insert(in_order.end(), future.begin(), future.end());
          keys = &in_order;
        }
        mask.append_row(runs_of_sorted(*keys));
      }
    }
    VariantBuild out;
    out.masks.assign(scene.heads, mask);  // one choice, shared by every head
    out.routing = choices;
    phase_enter(Phase::Trace);
    out.trace = trace(scene, *choices, kk, pitfall);
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    std::string why = routed_unit_text(*build.routing, head, q, k, "");
    if (why.empty()) why = fmt::format("key {} is among the keys the indexer ranks highest for query {}", k, q);
    if (k > q) why += "; it lies after the query: top-k filled the row with a future key and no causal mask removed it";
    else if (build.masks[head].row_count(q) == q + 1) why += fmt::format(" (query {} has no more than K earlier keys, so it reads them all)", q);
    return fmt::format("head {} (shared by every head): {}", head, why);
  }

 private:
  static int keep(const Scene& scene) {
    return param_int(scene, "topk", 1, scene.n, fmt::format("use --topk 1..{}", scene.n));
  }

  static Trace trace(const Scene& scene, const RoutingChoices& choices, int kk, bool pitfall) {
    const int n = scene.n;
    const std::string scores = routed_row_text(choices, 0, n - 1, false), last = routed_row_text(choices, 0, n - 1, true),
                      first = routed_row_text(choices, 0, 0, true);
    std::vector<int> winners;
    if (const RoutedRow* row = choices.row(0, n - 1)) winners = row->chosen;
    std::sort(winners.begin(), winners.end());
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    t.step("index", {scene.batch, n, n}, {"batch", "query", "key"},
           "indexer score I(q, k) = sum over heads of ReLU(q_h \u00b7 k_h), one score per pair, shared by every head" +
               (scores.empty() ? "" : "; " + scores),
           "index_score = torch.einsum('bshd,bthd->bsht', q, k).relu().sum(2)")
        .why("a cheap score decides which keys the expensive attention reads; ReLU keeps only agreeing heads");
    t.step("causal-score", {scene.batch, n, n}, {"batch", "query", "key"},
           "later keys get \u2212\u221e before top-k, so they can only win a row with fewer than K earlier keys",
           "index_score += mask  # -inf above the diagonal")
        .why("the first causal mask orders the candidates; it does not stop top-k from returning them");
    t.mark(winners, "selected").step("top-k", {scene.batch, n, kk}, {"batch", "query", "chosen"},
           fmt::format("each query keeps its {} best keys; ties go to the earlier key", kk) +
               (last.empty() ? "" : "; " + last + "; " + first),
           fmt::format("topk_indices = index_score.topk(min({}, end_pos), dim=-1)[1]", kk))
        .why("top-k always returns K indices: a query q < K gets future keys among them");
    t.mark({}, "").step("index-mask", {scene.batch, n, n}, {"batch", "query", "key"},
           pitfall ? "the chosen keys become the mask without the second causal mask (pitfall): rows q < K read "
                     "the future keys top-k returned"
                   : "the chosen keys become the mask, and the causal mask is added again, dropping the future "
                     "keys of rows q < K",
           pitfall ? "index_mask = torch.full((B, N, N), -inf).scatter_(-1, topk_indices, 0)  # no += mask"
                   : "index_mask = torch.full((B, N, N), -inf).scatter_(-1, topk_indices, 0); index_mask += mask")
        .why("the second mask is the causal guard: without it the \u2212\u221e candidates top-k returned are read");
    masked_trace_attend(t, scene,
                        pitfall ? "the K chosen keys, future ones included for q < K"
                                : fmt::format("the {} keys the indexer chose (every earlier key while q < {})", kk, kk),
                        "scores += index_mask.unsqueeze(2)");
    return t.finish();
  }
};

ATTNSCOPE_REGISTER_VARIANT(DSA)

}  // namespace
}  // namespace attnscope
