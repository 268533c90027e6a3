#pragma once
// What the GUI does before its first frame and what it remembers after: the settings file, and
// a fresh AppState built from the command line, the settings and the presets.
#include <string>

#include "app/cli/gui_request.hpp"
#include "app/gui/app_state.hpp"

namespace attnscope {

// Screenshots, frame benchmarks and --no-settings neither read nor write the settings file, so
// tests and figures come out the same on every machine.
bool settings_used(const GuiRequest& request);

struct GuiStart {
  std::string settings_path;  // empty: settings are not used this run
  Settings settings;          // as read; defaults when unused, missing or unreadable
  std::string warning;        // why a damaged settings file was (partly) ignored
};
GuiStart gui_start(const GuiRequest& request);

// The first frame's state: the presets in `presets_folder`; the scene named on the command line,
// else the last scene in the settings, else the first preset; view options from the settings,
// then the command line's (--classroom, --compare-view).
void state_open(AppState& state, const GuiRequest& request, const Settings& settings,
                const std::string& presets_folder);

// What `state` would save, in a window of width × height.
Settings settings_from_state(const AppState& state, int width, int height);

}  // namespace attnscope
