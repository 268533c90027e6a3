// gui --lab-steps trains the lab's model with LibTorch before the screenshot; the curves are
// checked by their pixels against the ln V line the panel reports: under S2 with one group
// (G = N) the training loss falls far below ln V within a few hundred steps (the model reads its
// target through the wrapped group), under s2-fix-mask it stays on the line.
#include <gtest/gtest.h>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

struct CurvePixels {
  int far_below = 0;  // training-curve pixels more than 15% of the plot's height below ln V
  int near = 0;       // training-curve pixels within 8% of the plot's height of ln V
};

CurvePixels training_curve_pixels(const Screenshot& s) {
  const auto& panels = s.layout["panels"];
  if (!panels.contains("lab curves") || !panels.contains("lab floor"))
    throw std::runtime_error("the lab's curves are not on screen");
  const auto& plot = panels["lab curves"];
  const auto& floor = panels["lab floor"];
  const int x0 = static_cast<int>(plot[0].get<double>()) + 2, y0 = static_cast<int>(plot[1].get<double>()) + 2,
            x1 = static_cast<int>(plot[2].get<double>()) - 2, y1 = static_cast<int>(plot[3].get<double>()) - 2;
  const double floor_y = floor[1].get<double>(), height = y1 - y0;
  const Rgb8 train = category_color(4);
  CurvePixels pixels;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      if (color_distance(s.at(x, y), train) > 30) continue;
      if (y > floor_y + 0.15 * height) ++pixels.far_below;
      if (std::abs(y - floor_y) < 0.08 * height) ++pixels.near;
    }
  return pixels;
}

TEST(LabPixelsGLTest, TheLeakyMaskTrainsBelowLnVAndTheFixStaysOnIt) {
  const Screenshot leaky = screenshot_take("--variant s2 --n 8 --g 8 --lab-steps 160 --size 1280x800", "lab_s2");
  ASSERT_EQ(leaky.exit_code, 0);
  ASSERT_TRUE(leaky.pixels);
  const CurvePixels s2 = training_curve_pixels(leaky);
  EXPECT_GT(s2.far_below, 20) << "s2 with G = N: the training loss leaves ln V";

  const Screenshot fixed = screenshot_take("--variant s2-fix-mask --n 8 --g 8 --lab-steps 160 --size 1280x800", "lab_fix");
  ASSERT_EQ(fixed.exit_code, 0);
  const CurvePixels fix = training_curve_pixels(fixed);
  EXPECT_EQ(fix.far_below, 0) << "s2-fix-mask: nothing to read, the loss stays at ln V";
  EXPECT_GT(fix.near, 20) << "and its curve is drawn on the ln V line";
}

}  // namespace
}  // namespace attnscope::test
