// StreamingLLM: a KV cache that keeps the first S tokens (attention sinks) and the most recent
// ones; every head and layer keeps the same positions.
#include <fmt/format.h>

#include <algorithm>

#include "core/scene/variant.hpp"
#include "core/variants/decode_trace.hpp"
#include "core/variants/masked_trace.hpp"
#include "core/variants/predicate_mask.hpp"
#include "core/variants/variant_params.hpp"

namespace attnscope {
namespace {

class Streaming final : public Variant {
 public:
  const VariantInfo& info() const override {
    static const VariantInfo info{
        .name = "streaming",
        .description = "StreamingLLM attention sinks: k <= q and (k < S or q-k < W); the cache keeps S sinks and "
                       "the last W-1 tokens, positions are cache slots",
        .source = "StreamingLLM (arXiv 2309.17453); mit-han-lab/streaming-llm kv_cache.py StartRecentKVCache "
                  "(start_size = S, recent_size = W-1), pos_shift/modify_llama.py",
        .params = {
             {.name = "sinks",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "sink tokens kept forever (StreamingLLM start_size)"},
             {.name = "window",
              .kind = ParamSpec::Kind::Int,
              .default_value = "4",
              .help = "recent keys each query reads, itself included (the cache keeps W-1)"}},
        .list_order = 100,
        .relatives = {"window", "h2o", "sf"},
        .preset = "streaming"};
    return info;
  }
  void validate(const Scene& scene) const override { params(scene); }
  VariantBuild build(const Scene& scene, const Qkv&) const override {
    const auto [sinks, window] = params(scene);
    const int recent = window - 1;  // recent_size: the query itself is the W-th key
    std::vector<std::vector<int>> rows;
    std::vector<int> cache;
    for (int t = 0; t < scene.n; ++t) {
      cache.push_back(t);  // the step attends over the cache plus its own token
      rows.push_back(cache);
      // StartRecentKVCache.__call__: keep [0, start) and [L - recent, L) of the cache.
      const int length = static_cast<int>(cache.size());
      if (length > sinks + recent) {
        std::vector<int> kept(cache.begin(), cache.begin() + sinks);
        kept.insert(kept.end(), cache.end() - recent, cache.end());
        cache = std::move(kept);
      }
    }
    VariantBuild out;
    out.masks.assign(scene.heads, mask_from_rows(scene.n, rows));
    TraceBuilder t(scene);
    masked_trace_input(t, scene);
    decode_trace_steps(t, scene, DecodeRows(scene.heads, &rows), [&](int step) {
      const std::vector<int>& seen = rows[step];
      std::vector<int> dropped;
      for (int k = 0; k < step; ++k)
        if (!std::binary_search(seen.begin(), seen.end(), k)) dropped.push_back(k);
      return fmt::format("decode token {}: the cache holds {} at cache positions 0..{}, the query "
                         "sits at position {}{}",
                         step, token_list_text({seen.begin(), seen.end() - 1}),
                         static_cast<int>(seen.size()) - 2, seen.size() - 1,
                         dropped.empty() ? "" : fmt::format("; dropped {}", token_list_text(dropped)));
    });
    masked_trace_attend(
        t, scene, fmt::format("row q keeps the {} sink{} and the last {} tokens", sinks,
                              sinks == 1 ? "" : "s", window),
        fmt::format("mask = (k <= q) & ((k < {}) | (q - k < {}))", sinks, window));
    out.trace = t.finish();
    return out;
  }
  std::string explain_allowed(const VariantBuild& build, int head, int q, int k) const override {
    const RowRuns& mask = build.masks[head];
    const int64_t position = mask.rank_in_row(q, k);
    const int64_t query_position = mask.row_count(q) - 1;
    if (k == q)
      return fmt::format("the query itself, rotated at cache position {}", query_position);
    // Sinks are the cache's leading run of tokens 0, 1, ...; the rest are recent tokens.
    const Run first = mask.row(q).front();
    const bool sink = first.begin == 0 && k < first.end && first.end <= q;
    return fmt::format("key {} is {} in the cache at step {}; it sits at cache position {}, so "
                       "its relative distance is {} instead of {}",
                       k, sink ? "an attention sink kept" : "one of the recent tokens", q, position,
                       query_position - position, q - k);
  }

 private:
  static std::pair<int, int> params(const Scene& scene) {
    const int sinks = param_int(scene, "sinks", 0, scene.n, fmt::format("use --sinks 0..{}", scene.n));
    const int window =
        param_int(scene, "window", 1, scene.n, fmt::format("use --window 1..{}", scene.n));
    return {sinks, window};
  }
};

ATTNSCOPE_REGISTER_VARIANT(Streaming)

}  // namespace
}  // namespace attnscope
