#include "app/gui/presets.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/base/install_layout.hpp"

namespace attnscope {

namespace {

void presets_append(const std::string& folder, const std::string& group, std::vector<Preset>& presets) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    Preset preset;
    preset.file = group.empty() ? path.filename().string() : (fs::path(kModelPresetsFolder) / path.filename()).string();
    preset.name = path.stem().string();
    preset.group = group;
    try {
      preset.scene = scene_load(path.string());
      scene_validate(preset.scene);
      if (!preset.scene.title.empty()) preset.name = preset.scene.title;
    } catch (const std::exception& e) {
      preset.error = e.what();
    }
    presets.push_back(std::move(preset));
  }
}

}  // namespace

std::vector<Preset> presets_load(const std::string& folder) {
  std::vector<Preset> presets;
  presets_append(folder, "", presets);
  presets_append((std::filesystem::path(folder) / kModelPresetsFolder).string(), kModelPresetsGroup, presets);
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
