#pragma once
// The one table of colours: GUI shaders, the GUI's overlays and every exporter read it, so a
// figure and the screen always agree.
#include <array>
#include <string>

#include "core/presentation/colormap_tables.hpp"

namespace attnscope {

enum class ColormapName { Viridis, Magma, Cividis };

ColormapName colormap_parse(const std::string& name);  // throws InputError naming "colormap"
const char* colormap_name(ColormapName name);
const std::array<Rgb8, 256>& colormap_table(ColormapName name);
// t in [0, 1] (clamped); nearest of the 256 entries.
Rgb8 colormap_sample(ColormapName name, float t);

// Signed values (raw attention scores): blue below 0, near-white at 0, red above, ColorBrewer's
// RdBu reversed, interpolated to 256 entries. t in [-1, 1] (clamped).
const std::array<Rgb8, 256>& diverging_table();
Rgb8 diverging_sample(float t);

// HighContrast: white on black, for a dark room; Bright: black on white in the same large type
// and heavy lines, for a lit room where a black screen washes out.
enum class ThemeName { Light, Dark, HighContrast, Bright };

struct Theme {
  Rgb8 background;
  Rgb8 text;
  Rgb8 axis;
  Rgb8 masked;          // cells the variant drops: a neutral grey that no colormap contains
  Rgb8 leak;            // outline and cross on leaking cells: reads in colour and in greyscale
  Rgb8 group_boundary;  // lines between groups and each group's outline
  Rgb8 highlight;       // hovered or pinned cell
  Rgb8 allowed;         // allowed cells whose values are not computed: a grey in no scale, far from masked
  // The outline of a shifted head's wrapped group in figures and the GUI: an orange in no
  // colormap, apart from the leak red and the group lines.
  Rgb8 wrapped_group;
};

ThemeName theme_parse(const std::string& name);  // throws InputError naming "theme"
const char* theme_name(ThemeName name);
const Theme& theme_get(ThemeName name);

// Okabe–Ito: categorical colours for groups, heads and shifted/unshifted, safe for colour-blind
// readers. Index 0 is black; categories usually start at 1.
constexpr std::array<Rgb8, 8> kOkabeIto = {{{0x00, 0x00, 0x00},
                                            {0xE6, 0x9F, 0x00},
                                            {0x56, 0xB4, 0xE9},
                                            {0x00, 0x9E, 0x73},
                                            {0xF0, 0xE4, 0x42},
                                            {0x00, 0x72, 0xB2},
                                            {0xD5, 0x5E, 0x00},
                                            {0xCC, 0x79, 0xA7}}};
// Category i (0-based) cycles through the seven non-black colours.
Rgb8 category_color(int i);
// Black or white, whichever reads better on `fill`: labels on token cells and category swatches
// in the GUI and in every figure.
Rgb8 text_color_on(Rgb8 fill);

}  // namespace attnscope
