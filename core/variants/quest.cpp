// Quest: after a full causal prompt of P tokens, each decoded query t cuts the keys 0..t into
// pages of p, bounds each page's scores by its keys' element-wise max and min, and reads only the
// pages with the highest bounds.
#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>

#include "core/base/phase_clock.hpp"
#include "core/base/progress_scope.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/decode_trace.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/routing.hpp"
#include "core/variants/routing_pick.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct Params {
  int prompt = 0, page = 0, budget = 0;
  // local_heavy_hitter_mask: k = min(max(3, budget // page), pages), the budget first capped by
  // the keys there are (token_budget = min(kv_seq_len, token_budget)).
  int pages_kept(int t) const {
    const int pages = (t + 1 + page - 1) / page;
    return std::min(std::max(3, std::min(t + 1, budget) / page), pages);
  }
};

// One head's page scores for the decoded queries in increasing order. max(q_i·max_i,
// q_i·min_i) is q_i·max_i for q_i > 0 and q_i·min_i otherwise (both 0 at q_i = 0), the sign trick
// of the reference, so the complete pages of a run of queries score as two matrix products,
// max(q, 0)·max^T + min(q, 0)·min^T; only the query's own, partial page is bounded per query.
class PageScores {
 public:
  PageScores(const Qkv& qkv, int head, int page) : qkv_(qkv), head_(head), page_(page) {
    const int pages = (qkv.n + page - 1) / page;
    high_.resize(pages, qkv.d);
    low_.resize(pages, qkv.d);
    for (int t = 0; t < qkv.n; ++t) {
      const Eigen::Map<const Eigen::RowVectorXf> key(qkv.row(0, t, Qkv::K, head), qkv.d);
      if (t % page == 0) {
        high_.row(t / page) = key;
        low_.row(t / page) = key;
      } else {
        high_.row(t / page) = high_.row(t / page).cwiseMax(key);
        low_.row(t / page) = low_.row(t / page).cwiseMin(key);
      }
    }
  }

  // score[j] for the pages j of keys 0..t; t must not decrease from one call to the next.
  void score(int t, std::vector<float>& score) {
    const int own = t / page_;
    if (t >= chunk_end_) products(t);
    score.resize(static_cast<size_t>(own) + 1);
    const float* complete = products_.data() + static_cast<Eigen::Index>(t - chunk_begin_) * products_.cols();
    std::copy(complete, complete + own, score.begin());
    // The own page holds keys own·p..t only: its bounds grow with t.
    const float* key = qkv_.row(0, t, Qkv::K, head_);
    if (own != partial_page_) {
      partial_high_.assign(key, key + qkv_.d);
      partial_low_ = partial_high_;
      for (int k = own * page_; k < t; ++k) bound(qkv_.row(0, k, Qkv::K, head_));
      partial_page_ = own;
    } else {
      bound(key);
    }
    const float* q = qkv_.row(0, t, Qkv::Q, head_);
    float own_score = 0.f;
    for (int i = 0; i < qkv_.d; ++i) own_score += std::max(q[i] * partial_high_[i], q[i] * partial_low_[i]);
    score[own] = own_score;
  }

 private:
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  static constexpr int kChunk = 256;  // queries per product: their scores stay a few MB at any N

  void bound(const float* key) {
    for (int i = 0; i < qkv_.d; ++i) {
      partial_high_[i] = std::max(partial_high_[i], key[i]);
      partial_low_[i] = std::min(partial_low_[i], key[i]);
    }
  }

  void products(int t) {
    chunk_begin_ = t;
    chunk_end_ = std::min(qkv_.n, t + kChunk);
    const int rows = chunk_end_ - chunk_begin_, pages = (chunk_end_ - 1) / page_;
    Matrix positive(rows, qkv_.d), negative(rows, qkv_.d);
    for (int r = 0; r < rows; ++r) {
      const Eigen::Map<const Eigen::RowVectorXf> q(qkv_.row(0, chunk_begin_ + r, Qkv::Q, head_), qkv_.d);
      positive.row(r) = q.cwiseMax(0.f);
      negative.row(r) = q.cwiseMin(0.f);
    }
    products_.resize(rows, pages);
    products_.noalias() = positive * high_.topRows(pages).transpose();
    products_.noalias() += negative * low_.topRows(pages).transpose();
  }

  const Qkv& qkv_;
  int head_, page_;
  Matrix high_, low_;  // [page][dim]: the element-wise max and min of each page's keys
  Matrix products_;    // [query - chunk_begin_][complete page]
  int chunk_begin_ = 0, chunk_end_ = 0, partial_page_ = -1;
  std::vector<float> partial_high_, partial_low_;
};

class Quest final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "quest",
        .description = "Quest at decode: after a full causal prompt of P tokens each decoded query scores pages of p "
                       "keys by sum_i max(q_i max_i, q_i min_i) and reads the top max(3, b // p); data dependent",
        .source = "Quest (arXiv 2406.10774); mit-han-lab/Quest evaluation/quest_attention.py forward and "
                  "local_heavy_hitter_mask; transcribed from that code, ties to the earlier page where torch.topk "
                  "leaves them open",
        .params = {
             {.name = "prompt",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "prompt tokens, prefilled with full causal attention; default: 3/4 of N"},
             {.name = "page",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "keys per page; the last page may be partial (chunk_size)"},
             {.name = "budget",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "token budget: max(3, b // p) pages are read (token_budget)"}},
        .list_order = 255,
        .relatives = {"snapkv", "h2o", "topk"},
        .preset = "quest",
        .reference_absent = "its selection is checked against plain loops written from the rules in "
                            "tests/core/routing_keys_test.cpp",
        .golden_absent = "the pages read depend on the scores of q and k, so rows are checked against plain loops in "
                         "tests/core/routing_keys_test.cpp"};
    return info;
  }
  void validate(const Scene& scene) const override {
    params(scene);
    require_single_sequence(scene);
  }
  bool reads_qkv() const override { return true; }
  VariantBuild build(const Scene& scene, const Qkv& qkv) const override {
    const Params p = params(scene);
    const int n = scene.n, decoded = n - p.prompt;
    const std::vector<int> traced = decode_traced_steps(n, p.prompt);
    const bool keep_all = int64_t{decoded} * scene.heads * ((n + p.page - 1) / p.page) <= kRoutingKeptScores;
    // Per head and decoded query: every page's score and the picks best first; past the limit only
    // the traced steps' rows keep them.
    auto choices = std::make_shared<RoutingChoices>();
    choices->unit = "page";
    choices->unit_size = p.page;
    choices->sizes = {{"prompt", p.prompt}, {"page", p.page}, {"budget", p.budget}};
    choices->first_query = p.prompt;
    choices->rows.assign(scene.heads, std::vector<RoutedRow>(decoded));
    // [head][t - prompt]: the picked pages in page order, for the mask.
    std::vector<std::vector<std::vector<int>>> read(scene.heads, std::vector<std::vector<int>>(decoded));
    std::vector<float> score;
    for (int h = 0; h < scene.heads; ++h) {
      choices->head_selection.push_back(h);
      phase_enter(Phase::Scoring);
      PageScores pages(qkv, h, p.page);
      for (int t = p.prompt; t < n; ++t) {
        progress_report(int64_t{h} * decoded + (t - p.prompt), int64_t{scene.heads} * decoded);
        phase_enter(Phase::Scoring);
        pages.score(t, score);
        phase_enter(Phase::Selection);
        // In page order for the mask; best first only for the rows kept for explanations.
        std::vector<int> picks = ranked_best(score.data(), static_cast<int>(score.size()), p.pages_kept(t), false);
        const int row = t - p.prompt;
        if (keep_all || std::binary_search(traced.begin(), traced.end(), t)) {
          phase_enter(Phase::Trace);
          std::vector<int> ranked = picks;
          sort_by_rank(score.data(), ranked);
          choices->rows[h][row] = picked_row(score, std::move(ranked));
        }
        read[h][row] = std::move(picks);
      }
    }
    const auto row_runs = [&](int h, int q, std::vector<Run>& runs) {
      if (q < p.prompt) {
        runs.push_back({0, q + 1});
        return;
      }
      for (int j : read[h][q - p.prompt]) runs.push_back({j * p.page, std::min((j + 1) * p.page, q + 1)});
    };
    VariantBuild out;
    phase_enter(Phase::Masks);
    out.masks = runs_masks(n, scene.heads, [](int h) { return h; }, row_runs);
    phase_enter(Phase::Trace);
    std::vector<std::vector<std::vector<int>>> rows(scene.heads, std::vector<std::vector<int>>(n));
    DecodeRows visible;
    for (int h = 0; h < scene.heads; ++h) {
      for (int step : traced) {
        std::vector<Run> runs;
        row_runs(h, step, runs);
        for (const Run& run : runs)
          for (int k = run.begin; k < run.end; ++k) rows[h][step].push_back(k);
      }
      visible.push_back(&rows[h]);
    }
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    std::vector<std::vector<int>> pages((n + p.page - 1) / p.page);
    for (int token = 0; token < n; ++token) pages[token / p.page].push_back(token);
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, layout_from_groups(n, pages)));
    t.step("pages", {scene.batch, scene.heads, static_cast<long>(pages.size()), 2, scene.d},
           {"batch", "head", "page", "max/min", "dim"},
           fmt::format("the prompt (tokens 0..{}) is prefilled with full causal attention; the cache is cut into "
                       "pages of {} keys, each keeping its keys' element-wise max and min (a partial last page "
                       "only its own keys')",
                       p.prompt - 1, p.page),
           fmt::format("k_max = pad(k, -inf).view(B, H, -1, {0}, D).amax(-2); k_min likewise", p.page))
        .why("max and min bound q·k from above for every key of the page, so a page's score never "
             "underestimates its best key");
    decode_trace_steps(
        t, scene, visible,
        [&](int step) {
          const RoutedRow& row = choices->rows[0][step - p.prompt];
          return fmt::format("decode token {}: page scores beside the query, the top {} = max(3, min({}, {}) // {}) "
                             "read; head 0 reads pages {}; pages hold keys 0..{} only, so the causal guard removes "
                             "nothing",
                             step, p.pages_kept(step), step + 1, p.budget, p.page,
                             ranked_text(row.chosen, row.scores), step);
        },
        p.prompt, "the whole cache stays in memory; each decoded query loads only the pages its bound ranks highest");
    masked_trace_attend(t, scene, "prompt rows k <= q; decoded rows: the keys of the pages they read, k <= q",
                        "mask = causal & (q < P | page_read[q, k // page])");
    out.trace = t.finish();
    out.boundaries.assign(scene.heads, boundaries_every(n, p.page));
    out.boundary_name = "block";
    out.routing = choices;
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    if (!build.routing) return Variant::explain_allowed(build, head, q, k);
    const RoutingChoices& c = *build.routing;
    const Params p{c.size("prompt"), c.size("page"), c.size("budget")};
    if (q < p.prompt) return fmt::format("query {} is in the prompt: the prefill reads every earlier key", q);
    const int j = k / p.page;
    const RoutedRow* row = c.row(head, q);
    if (!row)
      return fmt::format("head {}: page {} is among the {} pages query {} reads (scores are kept for the traced "
                         "decode steps)",
                         head, j, p.pages_kept(q), q);
    return fmt::format("head {}: page {} kept: score {:.2f}, rank {} of {}", head, j, row->scores[j], row->rank(j),
                       row->chosen.size());
  }

 private:
  static Params params(const Scene& scene) {
    Params p;
    const int n = scene.n;
    p.prompt = param_int(scene, "prompt", 1, n, fmt::format("use --prompt 1..{}", n), std::max(1, n * 3 / 4));
    p.page = param_int(scene, "page", 1, n, fmt::format("use --page 1..{}", n));
    p.budget = param_int(scene, "budget", 1, n, fmt::format("use --budget 1..{}", n));
    return p;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Quest)

}  // namespace
}  // namespace attnscope
