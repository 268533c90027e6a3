// SnapKV: after a prompt of P tokens (full causal prefill), each head keeps the prompt keys its
// last w prompt queries weighed most, smoothed by a moving average, plus those w window keys;
// every decoded token reads the kept keys, the window and the tokens decoded so far.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "core/base/phase_clock.hpp"
#include "core/base/progress_scope.hpp"
#include "core/cells/row_runs.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/decode_trace.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/routing_pick.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct Params {
  int prompt = 0, window = 0, capacity = 0, kernel = 0;
  bool compressed() const { return prompt >= capacity; }  // update_kv: q_len < capacity keeps all
  int scored() const { return prompt - window; }          // prompt keys before the window
};

// update_kv: the window queries' causal softmax summed per earlier prompt key, then
// avg_pool1d(kernel, padding=kernel//2, stride=1), whose padding counts as zeros.
std::vector<float> snap_scores(const Qkv& qkv, int head, const Params& p) {
  const int scored = p.scored();
  std::vector<float> sum(scored, 0.f), weights;
  causal_softmax_rows(qkv, head, scored, p.prompt, weights);
  for (int r = 0; r < p.window; ++r) {
    const float* row = weights.data() + static_cast<size_t>(r) * p.prompt;
    for (int k = 0; k < scored; ++k) sum[k] += row[k];
  }
  std::vector<float> pooled(scored, 0.f);
  const int half = p.kernel / 2;
  for (int i = 0; i < scored; ++i) {
    float total = 0.f;
    for (int j = std::max(0, i - half); j <= std::min(scored - 1, i + half); ++j) total += sum[j];
    pooled[i] = total / static_cast<float>(p.kernel);
  }
  return pooled;
}

class SnapKV final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "snapkv",
        .description = "SnapKV at decode: after a full causal prompt of P tokens each head keeps the C-w prompt keys "
                       "its last w prompt queries weighed most (smoothed) plus the window; data dependent",
        .source = "SnapKV (arXiv 2404.14469); FasterDecoding/SnapKV snapkv/monkeypatch/snapkv_utils.py "
                  "SnapKVCluster.update_kv (avgpool); transcribed from that code, ties to the earlier key where "
                  "torch.topk leaves them open",
        .params = {
             {.name = "prompt",
              .kind = ParamSpec::Kind::Int,
              .default_value = "",
              .help = "prompt tokens, prefilled with full causal attention; default: 3/4 of N"},
             {.name = "window",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "last prompt queries that vote, whose keys are always kept (window_size)"},
             {.name = "capacity",
              .kind = ParamSpec::Kind::Int,
              .default_value = "6",
              .help = "prompt keys kept per head, window included (max_capacity_prompt); a shorter prompt keeps all"},
             {.name = "kernel",
              .kind = ParamSpec::Kind::Int,
              .default_value = "3",
              .help = "odd width of the moving average over the votes (kernel_size)"}},
        .list_order = 250,
        .relatives = {"h2o", "streaming", "quest"},
        .preset = "snapkv",
        .reference_absent = "its selection is checked against plain loops written from the rules in "
                            "tests/core/routing_keys_test.cpp",
        .golden_absent = "the kept keys depend on the scores of q and k, so rows are checked against plain loops in "
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
    const int n = scene.n, scored = p.scored();
    // Per head, one choice over the scored prompt keys (pooled votes) that every decoded query reads.
    auto choices = std::make_shared<RoutingChoices>();
    choices->unit = "key";
    choices->score_name = "smoothed vote";
    choices->sizes = {{"prompt", p.prompt}, {"window", p.window}, {"capacity", p.capacity}, {"kernel", p.kernel}};
    choices->first_query = p.prompt;
    std::vector<std::vector<int>> kept(scene.heads);  // sorted
    std::vector<std::vector<int>> ranked(scene.heads);
    if (p.compressed())
      for (int h = 0; h < scene.heads; ++h) {
        progress_report(h, scene.heads);
        phase_enter(Phase::Scoring);
        const std::vector<float> score = snap_scores(qkv, h, p);
        phase_enter(Phase::Selection);
        ranked[h] = pick_top(score, p.capacity - p.window);
        phase_enter(Phase::Trace);
        choices->head_selection.push_back(h);
        choices->rows.push_back({picked_row(score, ranked[h])});
        phase_enter(Phase::Masks);
        kept[h] = ranked[h];
        std::sort(kept[h].begin(), kept[h].end());
      }
    // Prompt rows are the prefill, [0, q]; a decoded row reads the kept keys and [P - w, t]. Both
    // are a list stored once per head, [0, N) and kept ∪ [P - w, N), viewed up to the row's query.
    VariantBuild out;
    phase_enter(Phase::Masks);
    for (int h = 0; h < scene.heads; ++h) {
      RowRuns mask(n, n);
      const int64_t prefill = mask.store_runs({{0, n}});
      std::vector<Run> decoded = runs_of_sorted(kept[h]);
      decoded.push_back({scored, n});
      const int64_t decoded_first = mask.store_runs(decoded);
      const int64_t decoded_count = mask.stored_run_count() - decoded_first;
      for (int q = 0; q < n; ++q) {
        if (q < p.prompt || !p.compressed()) mask.append_row_view_until(prefill, 1, q + 1);
        else mask.append_row_view_until(decoded_first, decoded_count, q + 1);
      }
      out.masks.push_back(std::move(mask));
    }
    phase_enter(Phase::Trace);
    // The traced decode steps' rows, as key lists.
    std::vector<std::vector<std::vector<int>>> rows(scene.heads, std::vector<std::vector<int>>(n));
    DecodeRows visible;
    for (int h = 0; h < scene.heads; ++h) {
      for (int step : decode_traced_steps(n, p.prompt))
        for (const Run run : out.masks[h].row(step))
          for (int k = run.begin; k < run.end; ++k) rows[h][step].push_back(k);
      visible.push_back(&rows[h]);
    }
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    std::vector<int> voters;
    for (int r = std::max(0, p.prompt - p.window); r < p.prompt; ++r) voters.push_back(r);
    std::vector<int> prompt_keys(std::max(scored, 0));
    std::iota(prompt_keys.begin(), prompt_keys.end(), 0);
    place_selection(t, n, std::vector<HeadFrame>(scene.heads, selection_layout(n, {prompt_keys, voters})));
    t.mark(voters, "voting query")
        .step("observe", {scene.batch, scene.heads, p.window, scored}, {"batch", "head", "window query", "key"},
              p.compressed()
                  ? fmt::format("the prompt (tokens 0..{}) is prefilled with full causal attention; its last {} "
                                "queries' causal softmax, summed per earlier key, is each key's vote; groups: the {} "
                                "scored keys, the window, the decoded tokens",
                                p.prompt - 1, p.window, scored)
                  : fmt::format("the prompt of {} tokens is shorter than --capacity {}, so SnapKV keeps it whole",
                                p.prompt, p.capacity),
              fmt::format("votes = softmax(q[..., -{0}:, :] @ k.T / sqrt(D) + causal)[..., :-{0}].sum(-2)", p.window))
        .why("the last prompt queries (usually the question) already attend where later tokens will");
    std::vector<HeadFrame> chosen;
    for (int h = 0; h < scene.heads; ++h) chosen.push_back(selection_layout(n, {kept[h], voters}));
    place_selection(t, n, chosen);
    t.mark({}, "")
        .step("select", {scene.batch, scene.heads, p.capacity}, {"batch", "head", "kept key"},
              p.compressed()
                  ? fmt::format("votes smoothed over {} neighbours (outside keys count as 0) beside the query, the "
                                "top {} kept: head 0 keeps {}; groups: kept, window, evicted, decoded",
                                p.kernel, p.capacity - p.window, ranked_text(ranked[0], choices->rows[0][0].scores))
                  : "nothing is evicted: every prompt key stays in the cache",
              fmt::format("idx = avg_pool1d(votes, {0}, padding={1}, stride=1).topk({2}).indices", p.kernel,
                          p.kernel / 2, p.capacity - p.window))
        .why("pooling keeps a word's neighbours with it, so a kept key is not cut out of its phrase");
    t.mark({}, "");
    decode_trace_steps(
        t, scene, visible,
        [&](int step) {
          return fmt::format("decode token {}: each head reads its kept prompt keys, the window {}..{} and the "
                             "tokens {}..{}; the cache never holds a future key",
                             step, scored, p.prompt - 1, p.prompt, step);
        },
        p.prompt, "the selection happens once after the prefill: the cache then only grows by the decoded tokens");
    masked_trace_attend(t, scene,
                        fmt::format("prompt rows k <= q; decoded rows: the kept keys and k in [{}, q]", scored),
                        "mask = causal & (q < P | kept[k] | k >= P - w)");
    out.trace = t.finish();
    out.routing = choices;
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    if (!build.routing) return Variant::explain_allowed(build, head, q, k);
    const RoutingChoices& c = *build.routing;
    const Params p{c.size("prompt"), c.size("window"), c.size("capacity"), c.size("kernel")};
    if (q < p.prompt) return fmt::format("query {} is in the prompt: the prefill reads every earlier key", q);
    if (!p.compressed()) return "the prompt is shorter than --capacity, so every key stays cached";
    if (k >= p.prompt) return fmt::format("key {} was decoded before query {} and stays cached", k, q);
    if (k >= p.scored()) return fmt::format("key {} is in the observation window, always kept", k);
    return fmt::format("head {}: {} (votes smoothed over {} keys)", head, ranked_choice_text(*c.row(head, q), "key", k),
                       p.kernel);
  }

 private:
  static Params params(const Scene& scene) {
    Params p;
    const int n = scene.n;
    p.prompt = param_int(scene, "prompt", 1, n, fmt::format("use --prompt 1..{}", n), std::max(1, n * 3 / 4));
    p.window = param_int(scene, "window", 1, p.prompt, fmt::format("use --window 1..{} (at most the prompt)", p.prompt));
    p.capacity = param_int(scene, "capacity", p.window + 1, std::max(n, p.window + 1),
                           fmt::format("use --capacity {}..{}: more than --window, as update_kv asserts", p.window + 1,
                                       std::max(n, p.window + 1)));
    p.kernel = param_int(scene, "kernel", 1, n, fmt::format("use an odd --kernel 1..{}", n));
    if (p.kernel % 2 == 0)
      throw SceneError(fmt::format("kernel: {} is even; avg_pool1d with padding kernel//2 keeps the length only for "
                                   "an odd kernel, so use --kernel {}",
                                   p.kernel, p.kernel + 1));
    return p;
  }
};

ATTNSCOPE_REGISTER_VARIANT(SnapKV)

}  // namespace
}  // namespace attnscope
