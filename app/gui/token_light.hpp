#pragma once
// Which tokens light up in the token grid at the mask and softmax steps: one query and the keys
// its group lets it read, the leaking ones marked apart. A pure function of the state, so the
// view and the tests agree on it.
#include <optional>

#include "app/gui/app_state.hpp"

namespace attnscope {

enum class TokenLight {
  Plain,    // nothing is lit at this step
  Dim,      // lit mode, but the query may not read this token
  Query,    // the lit query itself
  Allowed,  // a key the query may read, and the policy allows it
  Leak,     // a key the query may read although the policy forbids it
};

// The lit query as (head, query, query), or none. At the mask and softmax steps: the hovered or
// pinned cell's query; at the mask step with nothing focused, the first query that leaks (the
// lesson of the step), else query 0 of the last head.
std::optional<Cell> token_light_query(const AppState& state);

TokenLight token_light(const Analysis& analysis, const std::optional<Cell>& query, int head, int token);
const char* token_light_name(TokenLight light);  // "plain", "dim", "query", "allowed", "leak"

}  // namespace attnscope
