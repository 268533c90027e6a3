#pragma once
// The only functions that change an AppState. apply() is spread over files by concern: apply.cpp
// dispatches each action by its type, apply_jobs.cpp starts and collects the background jobs,
// apply_files.cpp opens files, gui_error_text.cpp words the core's messages.
#include "app/gui/app_state.hpp"

namespace attnscope {

// By value: with a `const Action&` parameter, ADL would prefer std::apply for non-const arguments.
void apply(AppState& state, Action action);
void apply_all(AppState& state, ActionQueue& queue);  // in order, then empties the queue

// Advances animation and playback by dt seconds (a fixed dt in screenshot mode).
void tick(AppState& state, float dt);

// Finished jobs (state.jobs), removed from the list, as the actions that hand back their results:
// AnalysisReady, ShowToast (exports), ZoomWeightsReady, HeatmapWeightsReady, HeatmapImageReady.
// Stale ones are included; apply() drops them.
std::vector<Action> jobs_poll(AppState& state);
// Blocks until every job has finished; for screenshots, benchmarks and tests.
std::vector<Action> jobs_wait(AppState& state);
// At exit: cancels every job and waits for it; a training that finished before it saw the cancel
// leaves no model file behind (nothing will read it).
void jobs_stop(AppState& state);

// The core's message about a scene in the GUI's words: keys and flags become field labels
// ("--g" -> "G group"); `fields` receives the scene keys it names (the fields to mark).
std::string gui_error_text(const std::string& message, std::vector<std::string>& fields);
// For an audit whose module failed at the current scene's sizes (`fields`: the scene keys its
// message names): what the module was run with, in the scene panel's words, and what to change;
// empty when the message names no size.
std::string audit_sizes_note(const Scene& sizes, const std::vector<std::string>& fields);

inline constexpr float kAnimationSeconds = 0.8f;  // one step's movement at speed 1
inline constexpr float kHoldSeconds = 1.2f;       // time settled on a step while playing

}  // namespace attnscope
