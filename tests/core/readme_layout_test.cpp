// The layout section of docs/extending.md names every folder of the tree, and every folder it names exists:
// a folder added, moved or removed without a line there fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace attnscope {
namespace {

namespace fs = std::filesystem;

// The first word of each unindented line of the code block in the layout section.
std::set<std::string> readme_layout_folders() {
  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/docs/extending.md");
  std::set<std::string> folders;
  bool in_section = false, in_block = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "<!-- section:layout -->") in_section = true;
    if (line == "<!-- /section:layout -->") break;
    if (!in_section) continue;
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      continue;
    }
    if (in_block && !line.empty() && line[0] != ' ') folders.insert(line.substr(0, line.find(' ')));
  }
  return folders;
}

// Top-level folders and those inside app/, core/ and tests/; hidden folders and build trees
// (build, build-*) are not part of the source.
std::set<std::string> tree_folders() {
  const fs::path root(ATTNSCOPE_SOURCE_DIR);
  std::set<std::string> folders;
  for (const auto& top : fs::directory_iterator(root)) {
    const std::string name = top.path().filename().string();
    if (!top.is_directory() || name[0] == '.' || name.rfind("build", 0) == 0) continue;
    folders.insert(name + "/");
    if (name != "app" && name != "core" && name != "tests") continue;
    for (const auto& inner : fs::directory_iterator(top.path()))
      if (inner.is_directory()) folders.insert(name + "/" + inner.path().filename().string() + "/");
  }
  return folders;
}

TEST(ReadmeLayout, NamesEveryFolderOfTheTreeAndNoOther) {
  const std::set<std::string> readme = readme_layout_folders();
  const std::set<std::string> tree = tree_folders();
  ASSERT_FALSE(readme.empty()) << "docs/extending.md has no layout section";
  for (const std::string& folder : tree) EXPECT_TRUE(readme.count(folder)) << folder << " is not in the layout of docs/extending.md";
  for (const std::string& folder : readme) EXPECT_TRUE(tree.count(folder)) << folder << " is in the layout of docs/extending.md but not in the tree";
}

}  // namespace
}  // namespace attnscope
