#include "core/base/install_layout.hpp"

#include <system_error>

namespace attnscope {

std::filesystem::path executable_dir() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

// The relative paths come from GNUInstallDirs at configure time (core/CMakeLists.txt).
std::filesystem::path install_data_dir() {
  return (executable_dir() / ATTNSCOPE_DATA_FROM_BIN).lexically_normal();
}

std::filesystem::path install_module_dir() {
  return (executable_dir() / ATTNSCOPE_MODULES_FROM_BIN).lexically_normal();
}

std::filesystem::path install_readme_path() {
  const std::filesystem::path installed = install_data_dir() / "README.md";
  std::error_code ec;
  return std::filesystem::is_regular_file(installed, ec) ? installed : std::filesystem::path(ATTNSCOPE_SOURCE_README);
}

}  // namespace attnscope
