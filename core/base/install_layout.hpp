#pragma once
// Where the installed files are, found from the running executable so that an installed tree
// works wherever it is unpacked. The build tree mirrors the same relative layout for the modules
// (build/app/attnscope and build/lib/attnscope/), so one rule serves both.
#include <filesystem>

namespace attnscope {

// The folder of the running executable (/proc/self/exe); empty if it cannot be read.
std::filesystem::path executable_dir();
// <prefix>/share/attnscope: preset scenes and icons, as installed next to <prefix>/bin.
std::filesystem::path install_data_dir();
// <prefix>/lib/attnscope: the shared libraries loaded on demand (the LibTorch reference).
std::filesystem::path install_module_dir();
// attnscope's README.md: <prefix>/share/attnscope/README.md when installed, else the source tree's.
std::filesystem::path install_readme_path();

}  // namespace attnscope
