#pragma once
// The selection a routed variant's step shows for one query, as a row of candidates the views
// lay over the query's row of the heatmap: each block or key with its score and what the step
// has decided about it so far (scored, forced, chosen, dropped by the causal guard).
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"

namespace attnscope {

enum class RoutedRole {
  Scored,   // a candidate with its score
  Future,   // after the query: -inf before the choice
  Forced,   // read whatever its score (own, initial or local block)
  Chosen,   // a winner of top-k
  Passed,   // scored but not chosen
  Dropped,  // chosen by top-k, then removed by the causal guard
  Kept,     // a future unit the pitfall keeps (or reads as block 0)
};

struct RoutedUnit {
  int unit = 0;
  int begin = 0, end = 0;  // the keys it covers, [begin, end)
  std::string score;       // "2.10", "-inf"
  RoutedRole role = RoutedRole::Scored;
};

struct RoutedRowView {
  int q = 0;
  std::string unit;   // "block" or "key"
  std::string stage;  // what the step adds: "scores", "forced", "winners", "guard"
  std::vector<RoutedUnit> units;
};

// For the steps between scoring and the mask of a routed variant, query q of `head`; nothing
// for other steps, other variants, or scenes too large to keep the scores.
std::optional<RoutedRowView> routed_row_view(const Analysis& a, int step, int head, int q);

// Short name of a role for legends and labels.
const char* routed_role_name(RoutedRole role);

}  // namespace attnscope
