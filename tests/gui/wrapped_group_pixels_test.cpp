// The live heatmap outlines a shifted head's wrapped group in the theme's orange, as figures do, on
// the border of its four corner pieces and nowhere else, and the outline reads against the panel
// around the matrix in the classroom themes as at the desk. The pieces are written here from S2's rule: with the
// shift −G/2, token t sits at slot (t − G/2) mod N, and the group of the last G slots holds tokens
// [N − G/2, N) and [0, G/2).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

struct Box {
  int r0, r1, c0, c1;  // cells [r0, r1) × [c0, c1)
};

// Whether cell coordinates (r, c) lie within `tol` cells of the border of `b`.
bool on_border(const Box& b, double r, double c, double tol) {
  const bool in_rows = r > b.r0 - tol && r < b.r1 + tol, in_cols = c > b.c0 - tol && c < b.c1 + tol;
  const bool near_row_edge = std::abs(r - b.r0) < tol || std::abs(r - b.r1) < tol;
  const bool near_col_edge = std::abs(c - b.c0) < tol || std::abs(c - b.c1) < tol;
  return (in_cols && near_row_edge) || (in_rows && near_col_edge);
}

void expect_outline(const std::string& args, int n, int g, const std::string& name) {
  const Screenshot s = screenshot_take(args + " --size 1280x800", name);
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_TRUE(s.pixels);
  const Rgb8 orange = s.theme().wrapped_group;
  const int early = g / 2, late = n - g / 2;
  const std::vector<Box> pieces = {{0, early, 0, early}, {0, early, late, n}, {late, n, 0, early}, {late, n, late, n}};
  for (int head : {0, 1}) {
    const auto& h = s.heatmap(head);
    const auto& r = h["rect"];
    const double x0 = r[0].get<double>(), y0 = r[1].get<double>();
    const double cell = (r[2].get<double>() - x0) / n;
    ASSERT_GT(cell, 8.0);
    int orange_pixels = 0, stray = 0;
    for (int y = static_cast<int>(y0); y < static_cast<int>(r[3].get<double>()); ++y)
      for (int x = static_cast<int>(x0); x < static_cast<int>(r[2].get<double>()); ++x) {
        if (color_distance(s.at(x, y), orange) > 40) continue;
        ++orange_pixels;
        const double rr = (y + 0.5 - y0) / cell, cc = (x + 0.5 - x0) / cell;
        bool border = false;
        for (const Box& b : pieces) border |= head == 1 && on_border(b, rr, cc, 0.25);
        if (!border && ++stray <= 5) ADD_FAILURE() << name << " head " << head << ": orange at cell (" << rr << ", " << cc << ")";
      }
    EXPECT_EQ(stray, 0) << name << " head " << head;
    if (head == 0) {
      EXPECT_EQ(orange_pixels, 0) << name << ": head 0 is not shifted";
      continue;
    }
    // Every edge of every piece is drawn: orange near the middle of each side.
    for (const Box& b : pieces) {
      const double mid_r = (b.r0 + b.r1) / 2.0, mid_c = (b.c0 + b.c1) / 2.0;
      for (auto [rr, cc] : {std::pair{double(b.r0), mid_c}, std::pair{double(b.r1), mid_c}, std::pair{mid_r, double(b.c0)},
                            std::pair{mid_r, double(b.c1)}}) {
        // Edges on the matrix border are drawn just inside it.
        const int x = std::clamp(static_cast<int>(x0 + cc * cell), static_cast<int>(x0) + 1, static_cast<int>(r[2].get<double>()) - 2);
        const int y = std::clamp(static_cast<int>(y0 + rr * cell), static_cast<int>(y0) + 1, static_cast<int>(r[3].get<double>()) - 2);
        EXPECT_TRUE(colour_near(s, x, y, orange, 2, 40))
            << name << ": no outline at the edge through cell (" << rr << ", " << cc << ") of piece rows " << b.r0 << "-"
            << b.r1 << ", columns " << b.c0 << "-" << b.c1;
      }
    }
  }
}

// The classroom scene (N = 16, G = 4): the wrapped group is tokens [14 15 0 1].
TEST(WrappedGroupPixelsGLTest, ClassroomOutlinesTheWrappedGroupsBorderAndNothingElse) {
  expect_outline("", 16, 4, "wrapped_classroom");
}

// The wrapped group's outline runs along the matrix's edge (the corner pieces), and the group
// outlines meet it too: both must stand out from the panel around the matrix, as drawn, in the
// bright classroom theme (black on white for a lit room), the dark one, and at the desk.
TEST(WrappedGroupPixelsGLTest, OutlinesReadAgainstTheBackgroundInEveryTheme) {
  for (const std::string mode : {"--classroom --bright", "--classroom", ""}) {
    const std::string name = "outline_contrast" + std::to_string(mode.size());
    expect_outline(mode, 16, 4, name);
    const Screenshot s = screenshot_take(mode + " --size 1280x800", name);
    ASSERT_EQ(s.exit_code, 0);
    const auto& r = s.heatmap(1)["rect"];
    const int x0 = static_cast<int>(r[0].get<double>()), y0 = static_cast<int>(r[1].get<double>());
    const int x1 = static_cast<int>(r[2].get<double>()), y1 = static_cast<int>(r[3].get<double>());
    // The panel just left of the matrix, beside its top-left corner piece.
    const Rgb8 around = s.at(x0 - 4, y0 + (y1 - y0) / 32);
    // The outline as drawn: the pixel along the matrix's top edge, over the top-left piece, that is
    // nearest the theme's colour.
    const auto drawn = [&](Rgb8 want, int x_from, int x_to, int y_from, int y_to) {
      Rgb8 best = s.at(x_from, y_from);
      for (int y = y_from; y <= y_to; ++y)
        for (int x = x_from; x <= x_to; ++x)
          if (color_distance(s.at(x, y), want) < color_distance(best, want)) best = s.at(x, y);
      return best;
    };
    const Theme& theme = s.theme();
    const Rgb8 outline = drawn(theme.wrapped_group, x0, x0 + (x1 - x0) / 16, y0, y0 + 3);
    EXPECT_LE(color_distance(outline, theme.wrapped_group), 40) << mode;
    EXPECT_GE(contrast_ratio(outline, around), 3.0)
        << mode << ": outline " << int(outline.r) << "," << int(outline.g) << "," << int(outline.b) << " on "
        << int(around.r) << "," << int(around.g) << "," << int(around.b);
    // Head 0's groups are not wrapped: the outline of its first group, at the matrix's left edge.
    const auto& r0 = s.heatmap(0)["rect"];
    const int h0x = static_cast<int>(r0[0].get<double>()), h0y = static_cast<int>(r0[1].get<double>());
    const double cell = (r0[2].get<double>() - r0[0].get<double>()) / 16;
    const Rgb8 group = drawn(theme.group_boundary, h0x, h0x + 2, h0y + static_cast<int>(cell), h0y + static_cast<int>(3 * cell));
    EXPECT_LE(color_distance(group, theme.group_boundary), 40) << mode;
    EXPECT_GE(contrast_ratio(group, s.at(h0x - 4, h0y + static_cast<int>(2 * cell))), 3.0) << mode;
  }
}

// G = 8: tokens [12 .. 15 0 .. 3].
TEST(WrappedGroupPixelsGLTest, LargerGroupsOutlineTheirWrappedGroup) {
  expect_outline("--variant s2 --n 16 --g 8", 16, 8, "wrapped_g8");
}

}  // namespace
}  // namespace attnscope::test
