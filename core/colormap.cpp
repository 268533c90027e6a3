#include "core/colormap.hpp"

#include <algorithm>
#include <cmath>

#include "core/input_error.hpp"

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

ThemeName theme_parse(const std::string& name) {
  if (name == "light") return ThemeName::Light;
  if (name == "dark") return ThemeName::Dark;
  if (name == "high-contrast") return ThemeName::HighContrast;
  throw InputError("theme: unknown theme '" + name + "'; use light, dark or high-contrast");
}

const char* theme_name(ThemeName name) {
  switch (name) {
    case ThemeName::Light: return "light";
    case ThemeName::Dark: return "dark";
    case ThemeName::HighContrast: return "high-contrast";
  }
  return "light";
}

const Theme& theme_get(ThemeName name) {
  // Masked greys sit far from every colormap entry (checked by a test); the leak red is not
  // in any colormap either, and leaks also get a cross so they survive greyscale printing.
  static const Theme light{{255, 255, 255}, {20, 20, 20},   {60, 60, 60}, {208, 208, 208},
                           {230, 0, 0},     {255, 255, 255}, {0, 114, 178}};
  static const Theme dark{{30, 30, 34},  {235, 235, 235}, {170, 170, 170}, {84, 84, 88},
                          {255, 40, 40}, {20, 20, 20},    {86, 180, 233}};
  static const Theme high_contrast{{0, 0, 0},     {255, 255, 255}, {255, 255, 255}, {96, 96, 96},
                                   {255, 0, 0},   {0, 0, 0},       {255, 255, 0}};
  switch (name) {
    case ThemeName::Light: return light;
    case ThemeName::Dark: return dark;
    case ThemeName::HighContrast: return high_contrast;
  }
  return light;
}

Rgb8 category_color(int i) { return kOkabeIto[1 + ((i % 7) + 7) % 7]; }

}  // namespace attnscope
