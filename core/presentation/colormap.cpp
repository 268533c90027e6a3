#include "core/presentation/colormap.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/base/input_error.hpp"

namespace attnscope {

ColormapName colormap_parse(const std::string& name) {
  if (name == "viridis") return ColormapName::Viridis;
  if (name == "magma") return ColormapName::Magma;
  if (name == "cividis") return ColormapName::Cividis;
  throw InputError("colormap: unknown colormap '" + name + "'; use viridis, magma or cividis");
}

const char* colormap_name(ColormapName name) {
  switch (name) {
    case ColormapName::Viridis: return "viridis";
    case ColormapName::Magma: return "magma";
    case ColormapName::Cividis: return "cividis";
  }
  return "viridis";
}

const std::array<Rgb8, 256>& colormap_table(ColormapName name) {
  switch (name) {
    case ColormapName::Viridis: return kViridisTable;
    case ColormapName::Magma: return kMagmaTable;
    case ColormapName::Cividis: return kCividisTable;
  }
  return kViridisTable;
}

Rgb8 colormap_sample(ColormapName name, float t) {
  if (!(t >= 0.f)) t = 0.f;  // also catches NaN
  t = std::min(t, 1.f);
  return colormap_table(name)[static_cast<size_t>(std::lround(t * 255.f))];
}

const std::array<Rgb8, 256>& diverging_table() {
  static const std::array<Rgb8, 256> table = [] {
    constexpr Rgb8 anchors[] = {{0x05, 0x30, 0x61}, {0x21, 0x66, 0xac}, {0x43, 0x93, 0xc3}, {0x92, 0xc5, 0xde},
                                {0xd1, 0xe5, 0xf0}, {0xf7, 0xf7, 0xf7}, {0xfd, 0xdb, 0xc7}, {0xf4, 0xa5, 0x82},
                                {0xd6, 0x60, 0x4d}, {0xb2, 0x18, 0x2b}, {0x67, 0x00, 0x1f}};
    constexpr int last = static_cast<int>(std::size(anchors)) - 1;
    std::array<Rgb8, 256> t{};
    for (int i = 0; i < 256; ++i) {
      const float x = i / 255.f * last;
      const int a = std::min(static_cast<int>(x), last - 1);
      const float f = x - a;
      auto mix = [&](uint8_t p, uint8_t q) { return static_cast<uint8_t>(std::lround(p + (q - p) * f)); };
      t[i] = {mix(anchors[a].r, anchors[a + 1].r), mix(anchors[a].g, anchors[a + 1].g), mix(anchors[a].b, anchors[a + 1].b)};
    }
    return t;
  }();
  return table;
}

Rgb8 diverging_sample(float t) {
  if (!(t >= -1.f)) t = -1.f;  // also catches NaN
  t = std::min(t, 1.f);
  return diverging_table()[static_cast<size_t>(std::lround((t + 1.f) * 0.5f * 255.f))];
}

ThemeName theme_parse(const std::string& name) {
  if (name == "light") return ThemeName::Light;
  if (name == "dark") return ThemeName::Dark;
  if (name == "high-contrast") return ThemeName::HighContrast;
  if (name == "bright") return ThemeName::Bright;
  throw InputError("theme: unknown theme '" + name + "'; use light, dark, high-contrast or bright");
}

const char* theme_name(ThemeName name) {
  switch (name) {
    case ThemeName::Light: return "light";
    case ThemeName::Dark: return "dark";
    case ThemeName::HighContrast: return "high-contrast";
    case ThemeName::Bright: return "bright";
  }
  return "light";
}

const Theme& theme_get(ThemeName name) {
  // Masked and allowed greys sit far from every colormap entry and from each other (checked by a
  // test); the leak red is not in any colormap either, and leaks also get a cross so they survive
  // greyscale printing.
  // Group lines and the wrapped group's outline are drawn where the matrix meets the background
  // too: both keep a WCAG contrast of at least 3:1 against it (checked by a test). On white,
  // Okabe–Ito orange does not (2.3:1): the light themes darken it.
  static constexpr Rgb8 kOrange{0xE6, 0x9F, 0x00}, kDarkOrange{0xC0, 0x68, 0x00};
  static const Theme light{{255, 255, 255}, {20, 20, 20},   {60, 60, 60},  {208, 208, 208},
                           {230, 0, 0},     {110, 110, 110}, {0, 114, 178}, {52, 52, 52}, kDarkOrange};
  static const Theme dark{{30, 30, 34},  {235, 235, 235}, {170, 170, 170}, {84, 84, 88},
                          {255, 40, 40}, {150, 150, 150}, {86, 180, 233},  {180, 180, 180}, kOrange};
  static const Theme high_contrast{{0, 0, 0},   {255, 255, 255}, {255, 255, 255}, {64, 64, 64},
                                   {255, 0, 0}, {160, 160, 160}, {255, 255, 0},   {180, 180, 180}, kOrange};
  static const Theme bright{{255, 255, 255}, {0, 0, 0},    {0, 0, 0},    {200, 200, 200},
                            {220, 0, 0},     {80, 80, 80}, {0, 90, 200}, {52, 52, 52}, kDarkOrange};
  switch (name) {
    case ThemeName::Light: return light;
    case ThemeName::Dark: return dark;
    case ThemeName::HighContrast: return high_contrast;
    case ThemeName::Bright: return bright;
  }
  return light;
}

Rgb8 category_color(int i) { return kOkabeIto[1 + ((i % 7) + 7) % 7]; }

Rgb8 text_color_on(Rgb8 fill) {
  // Rec. 601 luma: perceived brightness, so yellow takes black text and blue takes white.
  const double luma = 0.299 * fill.r + 0.587 * fill.g + 0.114 * fill.b;
  return luma > 140 ? Rgb8{0, 0, 0} : Rgb8{255, 255, 255};
}

}  // namespace attnscope
