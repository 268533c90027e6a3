// MInference's three prefill patterns, each head's cells chosen from the scene's q and k:
// A-shape (sinks and a local band), vertical-slash (columns and diagonals estimated from the last
// queries) and block-sparse (the best key blocks of each query block, from mean-pooled q and k).
#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/base/phase_clock.hpp"
#include "core/base/progress_scope.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/routing.hpp"
#include "core/variants/routing_pick.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

constexpr float kForced = std::numeric_limits<float>::infinity();

struct Params {
  std::string pattern;
  int sinks = 0, local = 0;                                               // a-shape
  int last_q = 0, force_vertical = 0, force_slash = 0, vertical = 0, slash = 0;  // vertical-slash
  int block = 0, topk = 0;                                                // block-sparse
};

// The pattern as RoutingChoices::sizes records it for the explanations.
enum class Pattern { AShape, VerticalSlash, BlockSparse };

std::shared_ptr<RoutingChoices> pattern_choices(Pattern pattern, const std::string& unit) {
  auto choices = std::make_shared<RoutingChoices>();
  choices->unit = unit;
  choices->sizes["pattern"] = static_cast<int>(pattern);
  return choices;
}

// vertical_and_slash_kernel: the last L queries' causal softmax; a column's score is the sum of
// its weights, an offset's the sum along its diagonal.
void vertical_slash_scores(const Qkv& qkv, int head, const Params& p, std::vector<float>& vertical,
                           std::vector<float>& slash) {
  const int n = qkv.n, last = std::min(p.last_q, n);
  vertical.assign(n, 0.f);
  slash.assign(n, 0.f);
  std::vector<float> weights;
  causal_softmax_rows(qkv, head, n - last, n, weights);
  for (int r = n - last; r < n; ++r) {
    const float* row = weights.data() + static_cast<size_t>(r - (n - last)) * n;
    for (int k = 0; k <= r; ++k) {
      vertical[k] += row[k];
      slash[r - k] += row[k];
    }
  }
  for (int k = 0; k < std::min(p.force_vertical, n); ++k) vertical[k] = kForced;
  for (int o = 0; o < std::min(p.force_slash, n); ++o) slash[o] = kForced;
}

// _build_block_index: q and k pooled per block as the reference pads them, with zeros, so a
// partial last block's mean divides by the full block size. [part][head]: one row of D floats per
// block. Every head's q and k are pooled in one pass over the tokens, which reads the packed
// tensor in order; a pass per head and part would stride through it 2·H times, bound by memory.
std::array<std::vector<std::vector<float>>, 2> pooled_qk(const Qkv& qkv, int b) {
  const int nb = (qkv.n + b - 1) / b, d = qkv.d;
  std::array<std::vector<std::vector<float>>, 2> out;
  for (auto& part : out) part.assign(qkv.heads, std::vector<float>(static_cast<size_t>(nb) * d, 0.f));
  for (int t = 0; t < qkv.n; ++t)
    for (int part : {Qkv::Q, Qkv::K})
      for (int h = 0; h < qkv.heads; ++h) {
        const float* x = qkv.row(0, t, part, h);
        float* mean = out[part][h].data() + static_cast<size_t>(t / b) * d;
        for (int i = 0; i < d; ++i) mean[i] += x[i];
      }
  for (auto& part : out)
    for (std::vector<float>& head : part)
      for (float& x : head) x /= static_cast<float>(b);
  return out;
}

// score[m · nb + j] = q̄_m · k̄_j for every pair of blocks: one matrix product per head.
std::vector<float> block_scores(const std::vector<float>& qbar, const std::vector<float>& kbar, int nb, int d) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  std::vector<float> score(static_cast<size_t>(nb) * nb);
  Eigen::Map<RowMajor>(score.data(), nb, nb).noalias() =
      Eigen::Map<const RowMajor>(qbar.data(), nb, d) * Eigen::Map<const RowMajor>(kbar.data(), nb, d).transpose();
  return score;
}

class Minference final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "minference",
        .description = "MInference prefill patterns per head: a-shape (sinks and a local band), vertical-slash "
                       "(top columns and diagonals from the last queries' softmax) or block-sparse (top key "
                       "blocks of pooled q, k); data dependent",
        .source = "MInference (arXiv 2407.02490); microsoft/MInference minference_forward.py "
                  "vertical_and_slash_kernel, ops/block_sparse_flash_attention.py _build_block_index, "
                  "ops/streaming_kernel.py streaming_forward; transcribed from that code, ties to the earlier "
                  "entry where torch.topk leaves them open",
        .params = {
             {.name = "pattern",
              .kind = ParamSpec::Kind::Text,
              .default_value = "vertical-slash",
              .help = "a-shape, vertical-slash or block-sparse"},
             {.name = "sinks",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "initial keys every query reads (n_init)",
              .applies_if = "pattern=a-shape"},
             {.name = "local",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "local band q-k < s, the query itself included (n_local; streaming's --window s)",
              .applies_if = "pattern=a-shape"},
             {.name = "last-q",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "last queries whose softmax estimates the columns and diagonals (last_q)",
              .applies_if = "pattern=vertical-slash"},
             {.name = "force-vertical",
              .kind = ParamSpec::Kind::Int,
              .default_value = "1",
              .help = "first columns always kept (vertical[..., :30] = inf)",
              .applies_if = "pattern=vertical-slash"},
             {.name = "force-slash",
              .kind = ParamSpec::Kind::Int,
              .default_value = "1",
              .help = "offsets q-k below this always kept (slash[..., -100:] = inf)",
              .applies_if = "pattern=vertical-slash"},
             {.name = "vertical",
              .kind = ParamSpec::Kind::Int,
              .default_value = "3",
              .help = "columns kept per head (vertical_size)",
              .applies_if = "pattern=vertical-slash"},
             {.name = "slash",
              .kind = ParamSpec::Kind::Int,
              .default_value = "3",
              .help = "offsets (diagonals) kept per head (slash_size)",
              .applies_if = "pattern=vertical-slash"},
             {.name = "block",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "block size of the pooled q and k (block_size_M = block_size_N)",
              .applies_if = "pattern=block-sparse"},
             {.name = "topk",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "key blocks kept per query block, its own included when it scores so (top_k)",
              .applies_if = "pattern=block-sparse"}},
        .list_order = 230,
        .relatives = {"streaming", "select-merge", "topk"},
        .preset = "minference",
        .reference_absent = "its selection is checked against plain loops written from the rules in "
                            "tests/core/routing_keys_test.cpp",
        .golden_absent = "vertical-slash and block-sparse choose from the scores of q and k, so rows are checked "
                         "against plain loops in tests/core/routing_keys_test.cpp"};
    return info;
  }
  void validate(const Scene& scene) const override {
    params(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const Params p = params(scene);
    if (p.pattern == "a-shape") return a_shape(scene, p);
    if (p.pattern == "vertical-slash") return vertical_slash(scene, qkv, p);
    return block_sparse(scene, qkv, p);
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    if (!build.routing) return Variant::explain_allowed(build, head, q, k);
    const RoutingChoices& c = *build.routing;
    const auto pattern = static_cast<Pattern>(c.size("pattern"));
    if (pattern == Pattern::AShape)
      return q - k < c.size("local") ? fmt::format("key {} is in query {}'s local band (q-k = {} < --local)", k, q, q - k)
                                     : fmt::format("key {} is one of the initial keys every query reads", k);
    if (pattern == Pattern::VerticalSlash) {
      const RoutedRow& columns = *c.row(head, q);
      const RoutedRow& offsets = *c.second->row(head, q);
      std::string text;
      if (columns.rank(k)) text = ranked_choice_text(columns, "column", k);
      if (offsets.rank(q - k)) text += (text.empty() ? "" : "; and ") + ranked_choice_text(offsets, "offset", q - k);
      return fmt::format("head {}: {} (k <= q holds)", head, text);
    }
    const int m = q / c.unit_size, j = k / c.unit_size;
    const std::string own = j == m ? "; inside its own block only k <= q" : "";
    const RoutedRow* row = c.row(head, q);
    if (!row) return fmt::format("head {}: block {} is among the top blocks of query block {}{}", head, j, m, own);
    return fmt::format("head {}: block {} kept for query block {}: score {:.2f}, rank {} of {}{}", head, j, m,
                       row->scores[j], row->rank(j), row->chosen.size(), own);
  }

 private:
  static Params params(const Scene& scene) {
    Params p;
    p.pattern = scene_param_text(scene, "pattern");
    if (p.pattern != "a-shape" && p.pattern != "vertical-slash" && p.pattern != "block-sparse")
      throw SceneError("pattern: '" + p.pattern + "' is not a MInference pattern; use a-shape, vertical-slash or block-sparse");
    const int n = scene.n;
    const auto in = [&](const char* name, int lo) {
      return param_int(scene, name, lo, n, fmt::format("use --{} {}..{}", name, lo, n));
    };
    if (p.pattern == "a-shape") {
      p.sinks = in("sinks", 0);
      p.local = in("local", 1);
    } else if (p.pattern == "vertical-slash") {
      p.last_q = in("last-q", 1);
      p.force_vertical = in("force-vertical", 0);
      p.force_slash = in("force-slash", 0);
      p.vertical = in("vertical", 0);
      p.slash = in("slash", 0);
      if (p.vertical + p.slash < 1)
        throw SceneError("vertical: with --vertical 0 and --slash 0 no key is kept; give one of them a positive value");
    } else {
      p.block = in("block", 1);
      p.topk = in("topk", 1);
    }
    return p;
  }

  static VariantBuild a_shape(const Scene& scene, const Params& p) {
    VariantBuild out;
    const int n = scene.n;
    phase_enter(Phase::Masks);
    out.masks = runs_masks(n, scene.heads, [](int) { return 0; }, [&](int, int q, std::vector<Run>& runs) {
      runs.push_back({0, std::min(p.sinks, q + 1)});
      runs.push_back({std::max(0, q - p.local + 1), q + 1});
    });
    phase_enter(Phase::Trace);
    auto choices = pattern_choices(Pattern::AShape, "key");
    choices->sizes["local"] = p.local;  // the band width explain_allowed compares q - k with
    out.routing = choices;
    std::vector<int> sinks, band;
    for (int k = 0; k < n; ++k) (k < p.sinks ? sinks : band).push_back(k);
    band.erase(band.begin(), band.end() - std::min<long>(static_cast<long>(band.size()), p.local));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, selection_layout(n, {sinks, band})));
    t.step("a-shape", {scene.batch, scene.heads, n, p.sinks + p.local}, {"batch", "head", "query", "key"},
           fmt::format("every query reads the first {} keys and the {} keys up to itself; groups: sinks, the "
                       "last query's band, keys no longer read",
                       p.sinks, p.local),
           fmt::format("streaming_forward(q, k, v, n_init={}, n_local={})", p.sinks, p.local))
        .why("a head whose estimate showed sinks and a diagonal needs no scores at all: the shape is fixed");
    masked_trace_attend(t, scene, fmt::format("causal (k <= q) and (k < {} or q - k < {})", p.sinks, p.local),
                        fmt::format("mask = (k <= q) & ((k < {}) | (q - k < {}))", p.sinks, p.local));
    out.trace = t.finish();
    return out;
  }

  static VariantBuild vertical_slash(const Scene& scene, const Qkv& qkv, const Params& p) {
    const int n = scene.n, last = std::min(p.last_q, n);
    // One choice per head that every query reads: columns, and beside them the offsets q - k.
    auto choices = pattern_choices(Pattern::VerticalSlash, "column");
    auto diagonals = pattern_choices(Pattern::VerticalSlash, "offset");
    std::vector<std::vector<int>> columns(scene.heads), offsets(scene.heads);
    std::vector<float> vertical, slash;
    for (int h = 0; h < scene.heads; ++h) {
      progress_report(h, scene.heads);
      phase_enter(Phase::Scoring);
      vertical_slash_scores(qkv, h, p, vertical, slash);
      phase_enter(Phase::Selection);
      columns[h] = pick_top(vertical, p.vertical);
      offsets[h] = pick_top(slash, p.slash);
      phase_enter(Phase::Trace);
      for (RoutingChoices* c : {choices.get(), diagonals.get()}) c->head_selection.push_back(h);
      choices->rows.push_back({picked_row(vertical, columns[h])});
      diagonals->rows.push_back({picked_row(slash, offsets[h])});
    }
    // Row q: the kept columns up to q and the keys q - o of the kept offsets. Every row holds
    // thousands of runs that no other row shares (the diagonals move with the query), so each
    // head's mask keeps the two lists, as runs, and makes a row when it is read.
    phase_enter(Phase::Masks);
    VariantBuild out;
    for (int h = 0; h < scene.heads; ++h) {
      std::vector<int> c = columns[h], o = offsets[h];
      std::sort(c.begin(), c.end());
      std::sort(o.begin(), o.end());
      out.masks.push_back(RowRuns::by_rule(n, n, runs_of_sorted(c), runs_of_sorted(o)));
    }
    phase_enter(Phase::Trace);
    int64_t removed = 0;  // cells of kept columns right of the diagonal in head 0
    for (int c : columns[0]) removed += c;
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    std::vector<int> estimating(last);
    std::iota(estimating.begin(), estimating.end(), n - last);
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, selection_layout(n, {estimating})));
    t.mark(estimating, "estimating query")
        .step("estimate", {scene.batch, scene.heads, last, n}, {"batch", "head", "last query", "key"},
              fmt::format("the last {} queries' causal softmax over every key: each column's weights summed give "
                          "its vertical score, each diagonal q-k = o's its slash score",
                          last),
              fmt::format("qk = softmax(q[:, :, -{}:] @ k.T / sqrt(D) + causal)", last))
        .why("the pattern is estimated online from a few rows, so choosing it costs L rows, not N");
    std::vector<HeadFrame> chosen_columns, chosen_offsets;
    for (int h = 0; h < scene.heads; ++h) {
      std::vector<int> forced, won, forced_keys, won_keys;
      const RoutedRow &column_row = choices->rows[h][0], &offset_row = diagonals->rows[h][0];
      for (int c : columns[h]) (std::isinf(column_row.scores[c]) ? forced : won).push_back(c);
      for (int o : offsets[h]) (std::isinf(offset_row.scores[o]) ? forced_keys : won_keys).push_back(n - 1 - o);
      chosen_columns.push_back(selection_layout(n, {forced, won}));
      chosen_offsets.push_back(selection_layout(n, {forced_keys, won_keys}));
    }
    place_selection(t, n, chosen_columns);
    t.mark({}, "")
        .step("vertical", {scene.batch, scene.heads, static_cast<long>(columns[0].size())},
              {"batch", "head", "column"},
              fmt::format("column scores beside the query; the first {} forced, then the top {}: head 0 keeps "
                          "columns {}; groups: forced, winners, the rest",
                          p.force_vertical, p.vertical, ranked_text(columns[0], choices->rows[0][0].scores)),
              fmt::format("vertical = qk.sum(-2); vertical[..., :{}] = inf; v_idx = vertical.topk({}).indices",
                          p.force_vertical, p.vertical))
        .why("a column many late queries weigh (a sink, a separator) is read by every query after it");
    place_selection(t, n, chosen_offsets);
    t.step("slash", {scene.batch, scene.heads, static_cast<long>(offsets[0].size())},
           {"batch", "head", "offset"},
           fmt::format("offset scores q-k; offsets below {} forced, then the top {}: head 0 keeps offsets {} "
                       "(drawn as the last query's keys n-1-o)",
                       p.force_slash, p.slash, ranked_text(offsets[0], diagonals->rows[0][0].scores)),
           fmt::format("slash = sum_all_diagonal_matrix(qk); slash[..., -{}:] = inf; s_idx = slash.topk({}).indices",
                       p.force_slash, p.slash))
        .why("a diagonal is a fixed distance q-k: every query reads the key that far back");
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, selection_layout(n, {})));
    t.step("causal", {scene.batch, scene.heads, n, n}, {"batch", "head", "query", "key"},
           fmt::format("the causal guard keeps k <= q: a kept column c is read only by queries q >= c, which removes "
                       "{} cells of head 0's kept columns; offsets are never in the future",
                       removed),
           "mask &= k <= q")
        .why("columns are chosen once per head for every query, so the guard is what keeps them causal");
    masked_trace_attend(t, scene, "causal (k <= q) and k a kept column or q - k a kept offset",
                        "mask = (k <= q) & (isin(k, v_idx) | isin(q - k, s_idx))");
    out.trace = t.finish();
    choices->second = diagonals;
    out.routing = choices;
    return out;
  }

  static VariantBuild block_sparse(const Scene& scene, const Qkv& qkv, const Params& p) {
    const int n = scene.n, b = p.block, nb = (n + b - 1) / b;
    // Per head and query block: the scores of blocks j <= m (later ones -inf) and the picks best
    // first, while they fit; the last query block's picks of every head for the trace.
    auto choices = pattern_choices(Pattern::BlockSparse, "block");
    choices->unit_size = b;
    choices->query_span = b;
    choices->score_name = "pooled score";
    const bool keep = routing_keeps_rows(scene.heads, nb, nb);
    std::vector<std::vector<int>> last_picks(scene.heads);
    std::vector<float> last_scores;
    VariantBuild out;
    std::vector<Run> runs;
    phase_enter(Phase::Scoring);
    const std::array<std::vector<std::vector<float>>, 2> means = pooled_qk(qkv, b);
    for (int h = 0; h < scene.heads; ++h) {
      choices->head_selection.push_back(h);
      if (keep) choices->rows.emplace_back();
      phase_enter(Phase::Scoring);
      const std::vector<float> score = block_scores(means[Qkv::Q][h], means[Qkv::K][h], nb, qkv.d);
      RowRuns mask(n, n);
      for (int m = 0; m < nb; ++m) {
        progress_report(int64_t{h} * nb + m, int64_t{scene.heads} * nb);
        // Blocks j > m are -inf in the reference and never win over a valid one.
        const float* row = score.data() + static_cast<size_t>(m) * nb;
        phase_enter(Phase::Selection);
        std::vector<int> picks = ranked_best(row, m + 1, p.topk);
        phase_enter(Phase::Masks);
        // The kept blocks in key order, stored once per query block; only the own block, the
        // last when kept, is cut at the query, so each row views the list up to q + 1, and
        // without it every row of the query block is the first one.
        std::vector<int> sorted = picks;
        std::sort(sorted.begin(), sorted.end());
        const bool own = !sorted.empty() && sorted.back() == m;
        runs.clear();
        for (int j : sorted) runs.push_back({j * b, std::min((j + 1) * b, n)});
        const int64_t first = mask.store_runs(runs), count = mask.stored_run_count() - first;
        for (int q = m * b; q < std::min((m + 1) * b, n); ++q) {
          if (own) mask.append_row_view_until(first, count, q + 1);
          else if (q == m * b) mask.append_row_view(first, count);
          else mask.append_row_repeat();
        }
        if (keep || m == nb - 1) {
          phase_enter(Phase::Trace);
          std::vector<float> scores(row, row + nb);
          std::fill(scores.begin() + m + 1, scores.end(), kRoutingFuture);
          if (m == nb - 1) last_picks[h] = picks;
          if (h == 0 && m == nb - 1) last_scores = scores;
          if (keep) choices->rows[h].push_back(picked_row(std::move(scores), std::move(picks)));
        }
      }
      out.masks.push_back(std::move(mask));
    }
    phase_enter(Phase::Trace);
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    std::vector<std::vector<int>> regions(nb);
    for (int token = 0; token < n; ++token) regions[token / b].push_back(token);
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, layout_from_groups(n, regions)));
    t.step("pool", {scene.batch, scene.heads, nb, scene.d}, {"batch", "head", "block", "dim"},
           fmt::format("q and k mean-pooled in blocks of {} (a partial last block is padded with zeros first)", b),
           fmt::format("q_bar = pad(q).view(B, H, -1, {0}, D).mean(-2); k_bar likewise", b))
        .why("one score per pair of blocks: (N/b)^2 products of D instead of N^2");
    const int last = nb - 1;
    std::vector<HeadFrame> chosen;
    for (int h = 0; h < scene.heads; ++h) {
      std::vector<int> kept;
      std::vector<int> sorted = last_picks[h];
      std::sort(sorted.begin(), sorted.end());
      for (int j : sorted)
        for (int token = j * b; token < std::min((j + 1) * b, n); ++token) kept.push_back(token);
      chosen.push_back(selection_layout(n, {kept}));
    }
    place_selection(t, n, chosen);
    t.step("select", {scene.batch, scene.heads, nb, std::min(p.topk, nb)}, {"batch", "head", "query block", "kept"},
           fmt::format("block scores q_bar_m . k_bar_j beside each query block, blocks j > m at \u2212\u221e; the top {} "
                       "stay: head 0, query block {} keeps {}; groups: the last query block's kept keys, the rest",
                       p.topk, last, ranked_text(last_picks[0], last_scores)),
           fmt::format("p_pool = (q_bar @ k_bar.T).where(m >= j, -inf); idx = p_pool.topk({}).indices", p.topk))
        .why("future blocks get \u2212\u221e before the top-k, so a pick is never a block after the query's own");
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, layout_from_groups(n, regions)));
    t.step("causal", {scene.batch, scene.heads, n, n}, {"batch", "head", "query", "key"},
           "inside a kept block only k <= q: the own block's later keys are removed",
           "mask = block_kept[q // b, k // b] & (k <= q)")
        .why("the block choice is per block; the token guard makes the query's own block causal");
    masked_trace_attend(t, scene, fmt::format("causal (k <= q) and k's block among the top {} of q's block", p.topk),
                        "mask = block_kept[q // b, k // b] & (k <= q)");
    out.trace = t.finish();
    out.boundaries.assign(scene.heads, boundaries_every(n, b));
    out.boundary_name = "block";
    out.routing = choices;
    return out;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Minference)

}  // namespace
}  // namespace attnscope
