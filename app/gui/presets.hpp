#pragma once
// Scene presets: every JSON file in a folder (assets/scenes by default), in file-name order, so a
// new file appears in the GUI without code changes.
#include <string>
#include <vector>

#include "core/scene/scene.hpp"

namespace attnscope {

struct Preset {
  std::string file;   // file name without the folder
  std::string name;   // the scene's title, else the file name
  Scene scene;
  std::string error;  // the SceneError of a file that did not load; the preset is then disabled
};

std::vector<Preset> presets_load(const std::string& folder);
// ATTNSCOPE_ASSETS (environment), else the installed <prefix>/share/attnscope beside the
// executable, else the source tree's assets folder.
std::string assets_dir();

}  // namespace attnscope
