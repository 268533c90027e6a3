#include "core/presentation/routed_row.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/variants/routing.hpp"

namespace attnscope {

namespace {

// Each routed variant names its selection steps differently; the stage is what the step shows.
int stage_of(const std::string& step) {
  for (const char* name : {"gate", "block-score", "index"})
    if (step == name) return 1;
  for (const char* name : {"force", "causal-score"})
    if (step == name) return 2;
  for (const char* name : {"top-k", "top-n"})
    if (step == name) return 3;
  for (const char* name : {"causal", "guard", "index-mask"})
    if (step == name) return 4;
  return 0;
}

}  // namespace

std::optional<RoutedRowView> routed_row_view(const Analysis& a, int step, int head, int q) {
  const RoutingChoices* choices = a.build.routing.get();
  if (!choices || !choices->drawn_per_query || step < 0 || step >= static_cast<int>(a.trace().steps.size())) return std::nullopt;
  const int stage = stage_of(a.trace().steps[step].name);
  const RoutedRow* row = choices->row(head, q);
  if (stage == 0 || !row) return std::nullopt;
  static const char* stages[] = {"", "scores", "forced", "winners", "guard"};
  RoutedRowView view{q, choices->unit, stages[stage], {}};
  const auto has = [](const std::vector<int>& list, int u) { return std::find(list.begin(), list.end(), u) != list.end(); };
  const std::vector<int> forced(row->chosen.begin(), row->chosen.begin() + row->forced);
  // The rank the inspector quotes: the place in the list top-k returned, forced units first; the
  // future units the guard drops come after the winners.
  const auto rank_of = [&](int u) {
    if (const int rank = row->rank(u)) return rank;
    const auto removed = std::find(row->removed.begin(), row->removed.end(), u);
    return removed == row->removed.end() ? 0 : static_cast<int>(row->chosen.size() + (removed - row->removed.begin())) + 1;
  };
  for (int u = 0; u < static_cast<int>(row->scores.size()); ++u) {
    RoutedUnit unit{u, u * choices->unit_size, std::min(a.n(), (u + 1) * choices->unit_size), row->scores[u], "",
                    RoutedRole::Scored, 0};
    const float s = row->scores[u];
    unit.score = routing_score_text(s);
    if (std::isfinite(s)) view.score_bound = std::max(view.score_bound, std::abs(s));
    const bool future = unit.begin > q;
    if (stage == 1 && future) continue;  // not scored against this query
    if (stage >= 2) {
      if (has(forced, u)) unit.role = RoutedRole::Forced;
      else if (future) unit.role = RoutedRole::Future;
    }
    if (stage >= 3 && !has(forced, u)) {
      if (has(row->removed, u)) unit.role = stage == 4 ? RoutedRole::Dropped : RoutedRole::Chosen;
      else if (has(row->chosen, u)) unit.role = future ? RoutedRole::Kept : RoutedRole::Chosen;
      else if (!future) unit.role = RoutedRole::Passed;
    }
    if (unit.role == RoutedRole::Chosen || unit.role == RoutedRole::Dropped || unit.role == RoutedRole::Kept)
      unit.rank = rank_of(u);
    view.units.push_back(unit);
  }
  return view;
}

const char* routed_role_name(RoutedRole role) {
  switch (role) {
    case RoutedRole::Scored: return "scored (blue low, red high)";
    case RoutedRole::Future: return "future (\u2212\u221e)";
    case RoutedRole::Forced: return "forced";
    case RoutedRole::Chosen: return "chosen";
    case RoutedRole::Passed: return "not chosen";
    case RoutedRole::Dropped: return "dropped by the causal guard";
    case RoutedRole::Kept: return "future, read (pitfall)";
  }
  return "";
}

Rgb8 routed_role_color(RoutedRole role, const Theme& theme) {
  switch (role) {
    case RoutedRole::Scored: return diverging_sample(1.f);  // a legend's swatch; units show their own score
    case RoutedRole::Future: return theme.masked;
    case RoutedRole::Forced: return category_color(4);
    case RoutedRole::Chosen: return category_color(2);
    case RoutedRole::Passed: return theme.masked;
    case RoutedRole::Dropped:
    case RoutedRole::Kept: return theme.leak;
  }
  return theme.masked;
}

Rgb8 routed_unit_fill(const RoutedRowView& row, const RoutedUnit& unit, const Theme& theme) {
  if (unit.role != RoutedRole::Scored) return routed_role_color(unit.role, theme);
  if (!std::isfinite(unit.value)) return theme.masked;
  return diverging_sample(row.score_bound > 0 ? unit.value / row.score_bound : 0.f);
}

std::string routed_unit_label(const RoutedUnit& unit, bool brief) {
  std::string mark;
  if (unit.role == RoutedRole::Forced) mark = "F";
  else if (unit.rank > 0) mark = fmt::format("{}#{}", unit.role == RoutedRole::Dropped ? "x" : "", unit.rank);
  if (mark.empty()) return unit.score;
  return brief ? mark : mark + " " + unit.score;
}

std::string routed_marks_legend(const RoutedRowView& row) {
  const auto any = [&](RoutedRole role) {
    return std::any_of(row.units.begin(), row.units.end(), [&](const RoutedUnit& u) { return u.role == role; });
  };
  std::string text = fmt::format("query {}'s {}s, labelled with their scores", row.q, row.unit);
  if (any(RoutedRole::Forced)) text += "; F: forced in";
  if (any(RoutedRole::Chosen) || any(RoutedRole::Kept)) text += "; #r: rank in top-k's list";
  if (any(RoutedRole::Dropped)) text += "; x#r: picked, then dropped by the causal guard";
  return text;
}

}  // namespace attnscope
