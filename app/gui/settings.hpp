#pragma once
// What the GUI remembers between runs, in $XDG_CONFIG_HOME/attnscope/settings.json (else
// ~/.config/attnscope/settings.json). A missing file means defaults; a damaged one gives a
// message and defaults for what cannot be read, never a failed start.
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/lab.hpp"
#include "core/presentation/colormap.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

// Most recent first, absolute paths, no duplicates.
struct RecentFiles {
  std::vector<std::string> scenes;
  std::vector<std::string> masks;
  std::vector<std::string> modules;
  static constexpr size_t kLimit = 10;
  bool operator==(const RecentFiles&) const = default;
};

struct Settings {
  ThemeName theme = ThemeName::Light;  // the desk theme; classroom mode draws high contrast
  ColormapName colormap = ColormapName::Viridis;
  bool classroom = false;
  ThemeName classroom_theme = ThemeName::HighContrast;
  int window_width = 1280;
  int window_height = 800;
  std::optional<Scene> last_scene;  // the scene on screen at the end, edits included
  RecentFiles recent;
  // The Lab panel's task, layers, steps, batch, d_model, lr, vocab and seed (not the text itself).
  LabSettings lab;
  bool operator==(const Settings&) const = default;
};

// Empty when neither XDG_CONFIG_HOME nor HOME is set.
std::string settings_path();
// Defaults for a missing file. A file that is not JSON, or keys with wrong values, put a
// one-line message in `warning` and keep the defaults for what could not be read.
Settings settings_load(const std::string& path, std::string& warning);
// Atomic (core/base/atomic_file.hpp); creates the folder. Throws std::runtime_error with the reason.
void settings_save(const std::string& path, const Settings& settings);

// Puts `path` first in `list`, drops an older copy and anything past kLimit.
void recent_add(std::vector<std::string>& list, const std::string& path);

}  // namespace attnscope
