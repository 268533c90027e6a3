#include "app/cli/stack_views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "core/analysis/cost.hpp"
#include "core/presentation/params_text.hpp"
#include "core/presentation/stack_text.hpp"

namespace attnscope {

namespace {

// The pattern column is as wide as the longest layer name up to this, longer names are cut at a
// parameter (text_fitted); JSON keeps the whole name.
constexpr int kPatternColumn = 40;

}  // namespace

void stack_reach_text(const StackModel& model, const StackReach& reach, std::ostream& out) {
  const int n = model.layer(0).n();
  out << fmt::format("{} layers at N = {} (union of heads, residual path included):\n", model.layers(), n);
  std::vector<std::string> names;
  int width = 0;
  for (int l = 0; l < model.layers(); ++l) {
    names.push_back(text_fitted(stack_layer_text(model.layer(l)), kPatternColumn));
    width = std::max(width, text_columns(names.back()));
  }
  for (int l = 0; l < model.layers(); ++l) {
    const StackReachLayer& s = reach.layers[l];
    out << fmt::format("layer {:>3}  {:<{}} leaks {:>10}  reach {}..{} (last token {})  whole prefix {} of {}  "
                       "next token {}\n",
                       l, names[l], width, model.layer(l).metrics.total_leaks, s.min_count,
                       s.max_count, s.last_count, s.prefix_queries, n, s.next_token_queries);
  }
  out << stack_whole_prefix_text(reach, n) << "\n";
  if (reach.next.first < 0)
    out << fmt::format("no query can depend on its own next token within {} layers\n", model.layers());
  else
    out << fmt::format("after layer {} query {} can depend on token {}, its own next token (the target it is "
                       "trained to predict); after all {} layers {} of {} queries can\n",
                       reach.next.first - 1, reach.next.query, reach.next.query + 1, model.layers(),
                       reach.next.count_within(model.layers()), n - 1);
}

nlohmann::json stack_reach_json(const StackModel& model, const StackReach& reach) {
  nlohmann::json layers = nlohmann::json::array();
  for (int l = 0; l < model.layers(); ++l) {
    const StackReachLayer& s = reach.layers[l];
    layers.push_back({{"layer", l},
                      {"pattern", stack_layer_text(model.layer(l))},
                      {"leaks", model.layer(l).metrics.total_leaks},
                      {"reach_min", s.min_count},
                      {"reach_max", s.max_count},
                      {"reach_last", s.last_count},
                      {"whole_prefix_queries", s.prefix_queries},
                      {"next_token_queries", s.next_token_queries}});
  }
  // Layers count from 0 here as in --layer; -1: never.
  return {{"layers", layers},
          {"whole_prefix_after_layer", reach.whole_prefix_at - 1},
          {"next_token_first_layer", reach.next.first - (reach.next.first >= 0 ? 1 : 0)},
          {"next_token_query", reach.next.query}};
}

void stack_cost_text(const StackModel& model, std::ostream& out) {
  const StackCost c = stack_model_cost(model);
  out << fmt::format("the whole model, {} layers at N = {} with LLaMA-2 7B's widths (per layer 8·N·d_model² "
                     "projections + 6·N·d_model·d_ff MLP + 32·4·128·cells per head attention): {} FLOPs against "
                     "{} with every layer full ({:.1f}%); attention alone {} against {} ({:.1f}%)\n",
                     model.layers(), model.layer(0).n(), cost_number_text(c.total), cost_number_text(c.total_full),
                     100 * c.total / c.total_full, cost_number_text(c.attention), cost_number_text(c.attention_full),
                     100 * c.attention / c.attention_full);
}

nlohmann::json stack_cost_json(const StackModel& model) {
  const StackCost c = stack_model_cost(model);
  return {{"layers", model.layers()},      {"total", c.total},
          {"total_full", c.total_full},    {"attention", c.attention},
          {"attention_full", c.attention_full}};
}

}  // namespace attnscope
