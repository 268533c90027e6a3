#include "app/gui/presets.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/base/install_layout.hpp"

namespace attnscope {

std::vector<Preset> presets_load(const std::string& folder) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<Preset> presets;
  for (const fs::path& path : files) {
    Preset preset;
    preset.file = path.filename().string();
    preset.name = path.stem().string();
    try {
      preset.scene = scene_load(path.string());
      scene_validate(preset.scene);
      if (!preset.scene.title.empty()) preset.name = preset.scene.title;
    } catch (const std::exception& e) {
      preset.error = e.what();
    }
    presets.push_back(std::move(preset));
  }
  return presets;
}

std::string assets_dir() {
  if (const char* dir = std::getenv("ATTNSCOPE_ASSETS")) return dir;
  const std::filesystem::path installed = install_data_dir();
  std::error_code ec;
  if (std::filesystem::is_directory(installed / "scenes", ec)) return installed.string();
  return ATTNSCOPE_ASSETS_DIR;  // run from the build tree
}

}  // namespace attnscope
