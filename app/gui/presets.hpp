#pragma once
// Scene presets: every JSON file in a folder (assets/scenes by default), in file-name order, so a
// new file appears in the GUI without code changes; then those of its sub-folder models/ (the
// model stacks), as the group "Models".
#include <string>
#include <vector>

#include "core/scene/scene.hpp"

namespace attnscope {

struct Preset {
  std::string file;   // file name without the folder
  std::string name;   // the scene's title, else the file name
  Scene scene;
  std::string error;  // the SceneError of a file that did not load; the preset is then disabled
  std::string group;  // empty: the main list; else the sub-list it sits in ("Models")
};

// The sub-folder of the presets folder that holds the model stacks, and their group's name.
inline constexpr const char* kModelPresetsFolder = "models";
inline constexpr const char* kModelPresetsGroup = "Models";

std::vector<Preset> presets_load(const std::string& folder);
// ATTNSCOPE_ASSETS (environment), else the installed <prefix>/share/attnscope beside the
// executable, else the source tree's assets folder.
std::string assets_dir();

}  // namespace attnscope
