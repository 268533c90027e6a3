#pragma once
// Shared by fuzz_pt_mask and fuzz_torch_module. The LibTorch loaders take a path, as the app
// gives them one, so each input is written to a file in a private scratch folder first.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace attnscope::fuzz {

// Writes the input over <scratch>/<name> and returns its path.
inline std::string scratch_file_write(const uint8_t* data, size_t size, const std::string& name) {
  static const std::string folder = [] {
    std::string path = (std::filesystem::temp_directory_path() / "attnscope_fuzz_torch.XXXXXX").string();
    if (!mkdtemp(path.data())) std::abort();
    return path;
  }();
  const std::string path = folder + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out.flush()) std::abort();
  return path;
}

// What an InputError promises: a message on one line that a terminal shows as it is.
inline bool one_printable_line(const std::string& message) {
  if (message.empty()) return false;
  for (char c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  return true;
}

}  // namespace attnscope::fuzz
