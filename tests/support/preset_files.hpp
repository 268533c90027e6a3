#pragma once
// The preset scene files in assets/scenes/, sorted; the folder also holds the masks that
// presets name, which are not scenes.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace attnscope::test {

inline std::vector<std::filesystem::path> preset_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes"))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace attnscope::test
