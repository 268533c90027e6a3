#pragma once
// The numbers the GUI teaches with beside the analysis: the cost of every variant at the scene's
// numbers and how many stacked layers it takes a leak to reach a query's own next token. Computed
// by the core once per installed analysis; views only draw them.
#include <memory>
#include <optional>

#include "core/analysis/analysis.hpp"
#include "core/analysis/cost.hpp"
#include "core/reach/reach.hpp"

namespace attnscope {

struct Lesson {
  // Every variant at the scene's numbers; computed only while the cost panel is open, since at the
  // paper's N = 8192 it builds every variant's masks.
  std::optional<CostTable> cost;
  LayerCost layer;                     // one LLaMA-2 7B layer with the scene's pattern in every head
  std::optional<NextTokenReach> next;  // empty above kLessonReachMaxN
};

// Stacked layers the next-token search looks through.
constexpr int kLessonLayers = 64;
// Above this N the search over stacked layers is left to `attnscope mask --layers`.
constexpr int kLessonReachMaxN = 2048;

std::shared_ptr<const Lesson> lesson_compute(const Analysis& analysis, bool with_cost);

// "after 5 layers query 0 can depend on token 1, its own next token", or why it cannot.
std::string lesson_next_token_text(const Lesson& lesson);

}  // namespace attnscope
