// `attnscope gui --mask-file FILE` draws the user's own mask with the same leak marks: the one
// cell the fixture's construction lets through (query 2 reading key 5) is marked, nothing else.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

TEST(MaskFilePixelsGLTest, TheUsersLeakIsMarkedAndNothingElse) {
  const std::string file = std::string(ATTNSCOPE_SOURCE_DIR) + "/tests/fixtures/masks/neg_inf_leak_f32.npy";
  const Screenshot s = screenshot_take("--mask-file '" + file + "'", "mask_file");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const auto analysis = analyze(scene_from_json(s.layout["scene"]));
  ASSERT_EQ(analysis->scene.variant, "file");
  ASSERT_EQ(analysis->n(), 8);
  const Theme& theme = s.theme();
  for (int q = 0; q < 8; ++q)
    for (int k = 0; k < 8; ++k) {
      const auto [x, y] = s.cell_centre(0, q, k);
      EXPECT_EQ(colour_near(s, x, y, theme.leak), q == 2 && k == 5) << "cell (" << q << "," << k << ")";
    }
}

}  // namespace
}  // namespace attnscope::test
