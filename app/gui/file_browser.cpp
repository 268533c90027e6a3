#include "app/gui/file_browser.hpp"

#include <algorithm>
#include <filesystem>

namespace attnscope {

FileKind file_kind(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".json") return FileKind::Scene;
  if (ext == ".npy") return FileKind::Mask;
  if (ext == ".pt" || ext == ".pth") return FileKind::MaskOrModule;
  if (ext == ".npz" || ext == ".safetensors") return FileKind::Tensors;
  if (ext == ".txt") return FileKind::Tokens;
  return FileKind::Unknown;
}

const std::vector<std::string>& browser_extensions() {
  static const std::vector<std::string> extensions{".json", ".npy", ".pt", ".npz", ".safetensors", ".txt"};
  return extensions;
}

std::vector<FileBrowser::Entry> folder_list(const std::string& folder, const std::string& filter, std::string& error) {
  namespace fs = std::filesystem;
  error.clear();
  std::vector<FileBrowser::Entry> folders, files;
  std::error_code ec;
  fs::directory_iterator it(folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(".")) continue;
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      folders.push_back({name, true});
    } else if (filter.empty() ? file_kind(name) != FileKind::Unknown
                              : it->path().extension() == filter ||
                                    (filter == ".pt" && it->path().extension() == ".pth")) {
      files.push_back({name, false});
    }
  }
  if (ec) {
    error = "cannot list " + folder + ": " + ec.message();
    return {};
  }
  auto by_name = [](const FileBrowser::Entry& a, const FileBrowser::Entry& b) { return a.name < b.name; };
  std::sort(folders.begin(), folders.end(), by_name);
  std::sort(files.begin(), files.end(), by_name);
  folders.insert(folders.end(), files.begin(), files.end());
  return folders;
}

}  // namespace attnscope
