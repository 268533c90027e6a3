// DuoAttention: retrieval heads attend to every earlier key, streaming heads to S sinks and the
// last R keys. Which heads retrieve comes from a list or from a layer's gates in the gate file
// the method trains (full_attention_heads.tsv).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/base/phase_clock.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/duo_gates.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/routing_pick.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

struct Params {
  int sinks = 0, recent = 0;
  std::vector<char> retrieval;  // per query head
  std::vector<double> alpha;    // per query head, from the gate file; empty with a list
  int layer = 0;
};

class Duo final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "duo",
        .description = "DuoAttention: retrieval heads read every earlier key, streaming heads k <= q and (k < S or "
                       "q-k < R); retrieval heads from a list or a layer of a gate file (alpha >= 0.5)",
        .source = "DuoAttention (arXiv 2410.10819); mit-han-lab/duo-attention duo_attn/patch/streaming_attn.py "
                  "generate_streaming_mask, duo_attn/utils.py load_attn_pattern and sparsify_attention_heads "
                  "(threshold 0.5); transcribed from that code",
        .params = {
             {.name = "sinks",
              .kind = ParamSpec::Kind::Int,
              .default_value = "2",
              .help = "initial keys a streaming head reads (sink_size)"},
             {.name = "recent",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "last keys a streaming head reads, the query itself included (recent_size)"},
             {.name = "retrieval-heads",
              .kind = ParamSpec::Kind::IntList,
              .default_value = "0",
              .help = "query heads with full attention when no --gates file is given"},
             {.name = "gates",
              .kind = ParamSpec::Kind::Path,
              .default_value = "",
              .help = "full_attention_heads.tsv (layers x KV heads of alpha; alpha >= 0.5 retrieves); --layer picks "
                      "the row, 0 when not given"}},
        .list_order = 240,
        .relatives = {"streaming", "full", "minference"},
        .preset = "duo",
        .reference_absent = "its cells are checked against plain loops written from the rules in "
                            "tests/core/routing_keys_test.cpp",
        .golden_absent = "its heads come from a gate file or list; rows are checked against plain loops in "
                         "tests/core/routing_keys_test.cpp"};
    return info;
  }
  void validate(const Scene& scene) const override { params(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const Params p = params(scene);
    const int n = scene.n;
    VariantBuild out;
    phase_enter(Phase::Masks);
    out.masks = runs_masks(n, scene.heads, [&](int h) { return static_cast<int>(p.retrieval[h]); },
                           [&](int h, int q, std::vector<Run>& runs) {
                             if (p.retrieval[h]) {
                               runs.push_back({0, q + 1});
                               return;
                             }
                             runs.push_back({0, std::min(p.sinks, q + 1)});
                             runs.push_back({std::max(0, q - p.recent + 1), q + 1});
                           });
    phase_enter(Phase::Trace);
    std::vector<int> retrieving;
    std::vector<HeadFrame> heads;
    std::vector<int> sinks, recent;
    for (int k = 0; k < n; ++k) (k < p.sinks ? sinks : recent).push_back(k);
    recent.erase(recent.begin(), recent.end() - std::min<long>(static_cast<long>(recent.size()), p.recent));
    for (int h = 0; h < scene.heads; ++h) {
      if (p.retrieval[h]) retrieving.push_back(h);
      heads.push_back(p.retrieval[h] ? selection_layout(n, {}) : selection_layout(n, {sinks, recent}));
    }
    std::string gates;
    if (!p.alpha.empty()) {
      std::vector<std::string> shown;
      for (int h = 0; h < std::min(scene.heads, 8); ++h) shown.push_back(fmt::format("{:.2f}", p.alpha[h]));
      gates = fmt::format("layer {}'s alpha per head [{}{}], alpha >= 0.5 retrieves: ", p.layer,
                          fmt::join(shown, ", "), scene.heads > 8 ? ", ..." : "");
    }
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    place_selection(t, n, heads);
    t.step("gate", {scene.batch, scene.heads}, {"batch", "head"},
           fmt::format("{}retrieval heads {}, the others stream; a streaming head's groups: its {} sinks, the last "
                       "query's {} recent keys, the keys it no longer reads",
                       gates, token_list_text(retrieving), p.sinks, p.recent),
           "full_attention_heads = (alpha >= 0.5)  # per layer and KV head")
        .why("heads differ: a few must see all the context (retrieval), the rest only need sinks and recent "
             "tokens, so their cache stays constant");
    masked_trace_attend(t, scene,
                        fmt::format("retrieval heads: k <= q; streaming heads: k <= q and (k < {} or q - k < {})",
                                    p.sinks, p.recent),
                        fmt::format("mask = causal if retrieval else causal & ((k < {}) | (q - k < {}))", p.sinks,
                                    p.recent));
    out.trace = t.finish();
    // The choice is per head: the gates are the scores (alpha, or 1 for a listed head) and the
    // retrieval heads are the units chosen, which every query of the head follows.
    auto choices = std::make_shared<RoutingChoices>();
    choices->unit = "head";
    choices->score_name = "alpha";
    choices->sizes = {{"sinks", p.sinks}, {"recent", p.recent}, {"layer", p.layer}, {"gated", !p.alpha.empty()}};
    choices->head_selection.assign(scene.heads, 0);
    RoutedRow head_gates;
    for (int h = 0; h < scene.heads; ++h) {
      head_gates.scores.push_back(p.alpha.empty() ? static_cast<float>(p.retrieval[h]) : static_cast<float>(p.alpha[h]));
      if (p.retrieval[h]) head_gates.chosen.push_back(h);
    }
    choices->rows = {{head_gates}};
    out.routing = choices;
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    if (!build.routing) return Variant::explain_allowed(build, head, q, k);
    const RoutingChoices& c = *build.routing;
    const RoutedRow& gates = *c.row(head, q);
    const std::string why = c.size("gated") ? fmt::format("alpha {:.2f} in layer {}", gates.scores[head], c.size("layer"))
                                            : "listed in --retrieval-heads";
    if (gates.rank(head)) return fmt::format("head {} is a retrieval head ({}): it reads every earlier key", head, why);
    const Params p{c.size("sinks"), c.size("recent"), {}, {}, c.size("layer")};
    if (q - k < p.recent) return fmt::format("head {} streams: key {} is among the last {} keys (q-k = {})", head, k, p.recent, q - k);
    return fmt::format("head {} streams: key {} is one of its {} sinks", head, k, p.sinks);
  }

 private:
  static Params params(const Scene& scene) {
    Params p;
    p.sinks = param_int(scene, "sinks", 0, scene.n, fmt::format("use --sinks 0..{}", scene.n));
    p.recent = param_int(scene, "recent", 1, scene.n, fmt::format("use --recent 1..{}", scene.n));
    p.retrieval.assign(scene.heads, 0);
    const std::string gates = scene_param_text(scene, "gates");
    if (gates.empty()) {
      for (int64_t h : scene_param_int_list(scene, "retrieval-heads")) {
        if (h < 0 || h >= scene.heads)
          throw SceneError(fmt::format("retrieval-heads: head {} is outside 0..{}", h, scene.heads - 1));
        p.retrieval[h] = 1;
      }
      return p;
    }
    if (scene.params.count("retrieval-heads"))
      throw SceneError("retrieval-heads: give --retrieval-heads or --gates, not both");
    const auto layers = duo_gates_read(gates);
    p.layer = scene.layer.value_or(0);
    if (p.layer >= static_cast<int>(layers.size()))
      throw SceneError(fmt::format("layer: the gate file has layers 0..{}; use --layer 0..{}", layers.size() - 1,
                                   layers.size() - 1));
    const std::vector<double>& row = layers[p.layer];
    const int kv = static_cast<int>(row.size());
    if (scene.heads % kv != 0)
      throw SceneError(fmt::format("heads: the gate file has {} KV heads per layer; use --heads a multiple of {} "
                                   "(query heads share their KV head's gate)",
                                   kv, kv));
    // repeat_kv: query head h reads KV head h / (H / KV).
    for (int h = 0; h < scene.heads; ++h) {
      p.alpha.push_back(row[h / (scene.heads / kv)]);
      p.retrieval[h] = p.alpha.back() >= kDuoRetrievalThreshold;
    }
    return p;
  }
};

ATTNSCOPE_REGISTER_VARIANT(Duo)

}  // namespace
}  // namespace attnscope
