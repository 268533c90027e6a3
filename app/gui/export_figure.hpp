#pragma once
// The Export action's work: the current view as a figure file through the same code as
// `attnscope export`, so the file matches the screen's colours, orientation and leak marks.
#include <string>

#include "app/gui/app_state.hpp"

namespace attnscope {

// Writes into `folder` and returns a one-line status (the file written, or what went wrong).
std::string export_current_view(const AppState& state, const std::string& folder);

}  // namespace attnscope
