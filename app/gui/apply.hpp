#pragma once
// The only functions that change an AppState.
#include "app/gui/app_state.hpp"

namespace attnscope {

// By value: with a `const Action&` parameter, ADL would prefer std::apply for non-const arguments.
void apply(AppState& state, Action action);
void apply_all(AppState& state, ActionQueue& queue);  // in order, then empties the queue

// Advances animation and playback by dt seconds (a fixed dt in screenshot mode).
void tick(AppState& state, float dt);

// Finished background analyses as AnalysisReady actions (stale ones included; apply drops them).
std::vector<Action> jobs_poll(AppState& state);
// Blocks until every job has finished; for screenshots and tests.
std::vector<Action> jobs_wait(AppState& state);

// The core's message about a scene in the GUI's words: keys and flags become field labels
// ("--g" -> "G group"); `fields` receives the scene keys it names (the fields to mark).
std::string gui_error_text(const std::string& message, std::vector<std::string>& fields);

inline constexpr float kAnimationSeconds = 0.8f;  // one step's movement at speed 1
inline constexpr float kHoldSeconds = 1.2f;       // time settled on a step while playing

}  // namespace attnscope
