#pragma once
// The selection a routed variant's step shows for one query, as a row of candidates the views
// lay over the query's row of the heatmap: each block or key with its score and what the step
// has decided about it so far (scored, forced, chosen, dropped by the causal guard).
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/presentation/colormap.hpp"

namespace attnscope {

enum class RoutedRole {
  Scored,   // a candidate with its score
  Future,   // after the query: −∞ before the choice
  Forced,   // read whatever its score (own, initial or local block)
  Chosen,   // a winner of top-k
  Passed,   // scored but not chosen
  Dropped,  // chosen by top-k, then removed by the causal guard
  Kept,     // a future unit the pitfall keeps (or reads as block 0)
};

struct RoutedUnit {
  int unit = 0;
  int begin = 0, end = 0;  // the keys it covers, [begin, end)
  float value = 0;         // the score; -inf for a future unit
  std::string score;       // "2.10", "−∞" (routing_score_text)
  RoutedRole role = RoutedRole::Scored;
  // Its place in top-k's list from 1 (forced units first, the guard's drops after the winners),
  // the rank the inspector quotes, once the step has chosen it; 0 otherwise.
  int rank = 0;
};

struct RoutedRowView {
  int q = 0;
  std::string unit;   // "block" or "key"
  std::string stage;  // what the step adds: "scores", "forced", "winners", "guard"
  std::vector<RoutedUnit> units;
  float score_bound = 0;  // the largest |score| of the row's finite scores: the fill's scale
};

// For the steps between scoring and the mask of a routed variant, query q of `head`; nothing
// for other steps, other variants, or scenes too large to keep the scores.
std::optional<RoutedRowView> routed_row_view(const Analysis& a, int step, int head, int q);

// Short name of a role for legends and labels.
const char* routed_role_name(RoutedRole role);

// How the GUI and every figure draw a unit, so both show one picture: a candidate not yet decided
// is filled with its score on the diverging scale (blue low, red high), a decided one with its
// role's colour.
Rgb8 routed_role_color(RoutedRole role, const Theme& theme);  // for Scored, the legend's swatch
Rgb8 routed_unit_fill(const RoutedRowView& row, const RoutedUnit& unit, const Theme& theme);
// The text inside a unit: its mark ("F" forced, "#2" the second winner, "x" dropped by the guard)
// and its score, "#2 0.85"; `brief` keeps the mark alone (or the score, for unmarked units) for
// narrow units.
std::string routed_unit_label(const RoutedUnit& unit, bool brief);
// What the marks in the labels mean, for captions: "query 6's blocks, labelled with their
// scores; F: forced in; #r: rank in top-k's list; ...".
std::string routed_marks_legend(const RoutedRowView& row);

}  // namespace attnscope
