#include "core/presentation/stack_text.hpp"

#include <fmt/format.h>

namespace attnscope {

std::string stack_whole_prefix_text(const StackReach& reach, int n) {
  const int layers = static_cast<int>(reach.layers.size());
  if (reach.whole_prefix_at > 0)
    return fmt::format("every query reads its whole prefix after layer {} ({} of {} layers)", reach.whole_prefix_at - 1,
                       reach.whole_prefix_at, layers);
  return fmt::format("after all {} layers {} of {} queries read their whole prefix", layers,
                     reach.layers.back().prefix_queries, n);
}

std::string stack_layer_prefix_text(const StackReach& reach, int layer, int n) {
  const int64_t queries = reach.layers[layer].prefix_queries;
  if (queries == n) return fmt::format("after layer {} every query reads its whole prefix", layer);
  return fmt::format("after layer {} {} of {} queries read their whole prefix [0, q]", layer, queries, n);
}

}  // namespace attnscope
