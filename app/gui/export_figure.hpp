#pragma once
// The Export action's work: the current view at the current step as a figure file through the
// same code as `attnscope export`, so the file matches the screen's colours, orientation and leak
// marks.
#include <string>

#include "app/gui/app_state.hpp"

namespace attnscope {

// A name in `folder` that no file has yet: `stem.png`, else `stem-2.png`, `stem-3.png`, ...
std::string export_unique_path(const std::string& folder, const std::string& stem);

// Writes into state.export_folder (empty: the current folder) and returns the toast to show:
// the full path written, or what went wrong.
action::ShowToast export_current_view(const AppState& state);

}  // namespace attnscope
