// A mask file as a scene (the file variant, `--mask-file`, File > Open): the scene takes the
// file's size, its leaks are the analysis's leaks, and lint's other findings reach the inspector
// as notes on the cells they are about.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/analysis/analysis.hpp"
#include "core/masks/user_mask.hpp"
#include "core/tensors/npy_format.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

// A 4x4 bool mask, row-major: causal, except that row 2 reads nothing and row 3 skips its own key.
std::string write_mask(const std::string& name) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) / name).string();
  const char cells[16] = {1, 0, 0, 0,  //
                          1, 1, 0, 0,  //
                          0, 0, 0, 0,  //
                          1, 1, 1, 0};
  std::ofstream out(path, std::ios::binary);
  out << npy_header_text("|b1", {4, 4});
  out.write(cells, sizeof cells);
  return path;
}

TEST(MaskFileScene, TakesTheFilesSizeAndDropsTheOtherVariantsParameters) {
  const std::string path = write_mask("scene_size.npy");
  const Scene scene = scene_for_mask_file(
      test::test_scene({.variant = "window", .n = 16, .heads = 2, .params = {{"window", "3"}}}), path);
  EXPECT_EQ(scene.variant, "file");
  EXPECT_EQ(scene.n, 4);
  EXPECT_EQ(scene.heads, 1);
  EXPECT_EQ(scene.params.count("window"), 0u);
  EXPECT_EQ(scene.params.at("mask-file"), path);
  EXPECT_EQ(scene.title, "your mask: scene_size.npy");
}

TEST(MaskFileScene, LintFindingsBecomeNotesOnTheirCells) {
  const auto a = analyze(scene_for_mask_file(test::test_scene(), write_mask("scene_notes.npy")));
  EXPECT_EQ(a->metrics.total_leaks, 0);
  // Row 2 reads no key: every cell of the row carries the note.
  for (int k = 0; k < 4; ++k) {
    const auto notes = a->notes_at(0, 2, k);
    ASSERT_EQ(notes.size(), 1u) << k;
    EXPECT_NE(notes[0].find("query 2 reads no key"), std::string::npos) << notes[0];
  }
  // Row 3's own key is blocked: only the diagonal cell carries that note.
  const auto diagonal = a->notes_at(0, 3, 3);
  ASSERT_EQ(diagonal.size(), 1u);
  EXPECT_NE(diagonal[0].find("diagonal is blocked"), std::string::npos) << diagonal[0];
  EXPECT_TRUE(a->notes_at(0, 3, 0).empty());
  EXPECT_TRUE(a->notes_at(0, 1, 1).empty());
}

}  // namespace
}  // namespace attnscope
