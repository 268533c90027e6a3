#pragma once
// A fresh folder under the system temp dir, removed with the object.
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace attnscope::test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "attnscope-test-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace attnscope::test
