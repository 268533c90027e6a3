// Every theme keeps the cells apart: the masked grey and the leak red lie far from every entry of
// every colormap and of the score scale, so a masked or leaking cell never reads as a value.
#include <gtest/gtest.h>

#include "core/base/input_error.hpp"
#include "core/presentation/colormap.hpp"
#include "tests/support/color_distance.hpp"

namespace attnscope {
namespace {

constexpr ThemeName kThemes[] = {ThemeName::Light, ThemeName::Dark, ThemeName::HighContrast, ThemeName::Bright};

TEST(Theme, MaskedAndLeakColoursAreInNoScale) {
  for (ThemeName t : kThemes) {
    const Theme& theme = theme_get(t);
    for (ColormapName c : {ColormapName::Viridis, ColormapName::Magma, ColormapName::Cividis}) {
      for (const Rgb8& entry : colormap_table(c)) {
        EXPECT_GT(test::color_distance(entry, theme.masked), 20) << theme_name(t) << " masked vs " << colormap_name(c);
        EXPECT_GT(test::color_distance(entry, theme.leak), 20) << theme_name(t) << " leak vs " << colormap_name(c);
      }
    }
    EXPECT_GT(test::color_distance(theme.background, theme.text), 400) << theme_name(t) << ": text must read";
  }
}

// The allowed grey stands for cells whose values are not computed: it must read as no value of any
// scale (colormaps and the diverging score table) and never as a masked cell.
TEST(Theme, AllowedColourIsInNoScaleAndApartFromMasked) {
  for (ThemeName t : kThemes) {
    const Theme& theme = theme_get(t);
    for (ColormapName c : {ColormapName::Viridis, ColormapName::Magma, ColormapName::Cividis})
      for (const Rgb8& entry : colormap_table(c))
        EXPECT_GT(test::color_distance(entry, theme.allowed), 60) << theme_name(t) << " allowed vs " << colormap_name(c);
    for (const Rgb8& entry : diverging_table())
      EXPECT_GT(test::color_distance(entry, theme.allowed), 60) << theme_name(t) << " allowed vs the score scale";
    EXPECT_GT(test::color_distance(theme.allowed, theme.masked), 200) << theme_name(t) << " allowed vs masked";
    EXPECT_GT(test::color_distance(theme.allowed, theme.background), 60) << theme_name(t) << " allowed vs background";
  }
}

// The group outlines and the wrapped group's outline run along the matrix's edge, where the
// background meets them: each reads on it (WCAG contrast 3:1, as for lines and large type) in
// both classroom themes and both desk themes. The wrapped group's orange stays apart from the
// leak red and the group lines, and in no colormap.
TEST(Theme, OutlinesReadOnTheBackground) {
  for (ThemeName t : kThemes) {
    const Theme& theme = theme_get(t);
    EXPECT_GE(test::contrast_ratio(theme.group_boundary, theme.background), 3.0) << theme_name(t) << " group lines";
    EXPECT_GE(test::contrast_ratio(theme.wrapped_group, theme.background), 3.0) << theme_name(t) << " wrapped group";
    EXPECT_GT(test::color_distance(theme.wrapped_group, theme.leak), 100) << theme_name(t);
    EXPECT_GT(test::color_distance(theme.wrapped_group, theme.group_boundary), 100) << theme_name(t);
    for (ColormapName c : {ColormapName::Viridis, ColormapName::Magma, ColormapName::Cividis})
      for (const Rgb8& entry : colormap_table(c))
        EXPECT_GT(test::color_distance(entry, theme.wrapped_group), 20) << theme_name(t) << " vs " << colormap_name(c);
  }
  // The formula itself: black on white is 21:1, a colour on itself 1:1.
  EXPECT_NEAR(test::contrast_ratio({0, 0, 0}, {255, 255, 255}), 21.0, 1e-9);
  EXPECT_NEAR(test::contrast_ratio({230, 159, 0}, {230, 159, 0}), 1.0, 1e-9);
}

TEST(Theme, NamesRoundTripAndTheBrightThemeIsBlackOnWhite) {
  for (ThemeName t : kThemes) EXPECT_EQ(theme_parse(theme_name(t)), t);
  const Theme& bright = theme_get(ThemeName::Bright);
  EXPECT_EQ(bright.background, (Rgb8{255, 255, 255}));
  EXPECT_EQ(bright.text, (Rgb8{0, 0, 0}));
  EXPECT_THROW(theme_parse("sepia"), InputError);
}

}  // namespace
}  // namespace attnscope
