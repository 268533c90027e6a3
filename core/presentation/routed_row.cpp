#include "core/presentation/routed_row.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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
  if (!choices || step < 0 || step >= static_cast<int>(a.trace().steps.size())) return std::nullopt;
  const int stage = stage_of(a.trace().steps[step].name);
  const RoutedRow* row = choices->row(head, q);
  if (stage == 0 || !row) return std::nullopt;
  static const char* stages[] = {"", "scores", "forced", "winners", "guard"};
  RoutedRowView view{q, choices->unit, stages[stage], {}};
  const auto has = [](const std::vector<int>& list, int u) { return std::find(list.begin(), list.end(), u) != list.end(); };
  const std::vector<int> forced(row->chosen.begin(), row->chosen.begin() + row->forced);
  for (int u = 0; u < static_cast<int>(row->scores.size()); ++u) {
    RoutedUnit unit{u, u * choices->unit_size, std::min(a.n(), (u + 1) * choices->unit_size), "", RoutedRole::Scored};
    const float s = row->scores[u];
    unit.score = std::isinf(s) ? (s > 0 ? "+inf" : "-inf") : fmt::format("{:.2f}", s);
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
    view.units.push_back(unit);
  }
  return view;
}

const char* routed_role_name(RoutedRole role) {
  switch (role) {
    case RoutedRole::Scored: return "scored";
    case RoutedRole::Future: return "future (-inf)";
    case RoutedRole::Forced: return "forced";
    case RoutedRole::Chosen: return "chosen";
    case RoutedRole::Passed: return "not chosen";
    case RoutedRole::Dropped: return "dropped by the causal guard";
    case RoutedRole::Kept: return "future, read (pitfall)";
  }
  return "";
}

}  // namespace attnscope
