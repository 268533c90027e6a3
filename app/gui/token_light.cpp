#include "app/gui/token_light.hpp"

namespace attnscope {

namespace {

std::optional<Cell> first_leaking_query(const Analysis& a) {
  for (int h = 0; h < a.heads(); ++h)
    for (int q = 0; q < a.n(); ++q)
      if (!a.leaks[h].row(q).empty()) return Cell{h, q, q};
  return std::nullopt;
}

}  // namespace

std::optional<Cell> token_light_query(const AppState& state) {
  const Step* step = state.current_step();
  if (!step || !state.analysis) return std::nullopt;
  if (step->values != StepValues::MaskedScores && step->values != StepValues::Weights) return std::nullopt;
  if (const auto focus = state.focus()) return Cell{focus->head, focus->q, focus->q};
  if (step->values != StepValues::MaskedScores) return std::nullopt;
  const Analysis& a = *state.analysis;
  if (const auto leaking = first_leaking_query(a)) return leaking;
  return Cell{a.heads() - 1, 0, 0};
}

TokenLight token_light(const Analysis& analysis, const std::optional<Cell>& query, int head, int token) {
  if (!query) return TokenLight::Plain;
  if (head != query->head) return TokenLight::Dim;
  if (token == query->q) return TokenLight::Query;
  if (analysis.leaks_at(head, query->q, token)) return TokenLight::Leak;
  if (analysis.allowed(head, query->q, token)) return TokenLight::Allowed;
  return TokenLight::Dim;
}

const char* token_light_name(TokenLight light) {
  switch (light) {
    case TokenLight::Plain: return "plain";
    case TokenLight::Dim: return "dim";
    case TokenLight::Query: return "query";
    case TokenLight::Allowed: return "allowed";
    case TokenLight::Leak: return "leak";
  }
  return "";
}

}  // namespace attnscope
