#pragma once
// Reading exported figures back: PNG through libpng, SVG through rsvg-convert, PDF through
// pdftoppm, and the cell geometry from the figure model.
#include <png.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/figure/model.hpp"
#include "core/presentation/colormap.hpp"
#include "core/scene/scene.hpp"
#include "tests/support/color_distance.hpp"
#include "tests/support/scene_builder.hpp"
#include "tests/support/temp_dir.hpp"

namespace attnscope::test {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
  Rgb8 at(int x, int y) const {
    const size_t i = (static_cast<size_t>(y) * width + x) * 3;
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Any PNG (RGB, RGBA, palette, 8/16 bit) as 8-bit RGB.
inline Image decode_png(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f);
  png_read_info(png, info);
  png_set_expand(png);
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  png_set_gray_to_rgb(png);
  png_read_update_info(png, info);
  Image img;
  img.width = static_cast<int>(png_get_image_width(png, info));
  img.height = static_cast<int>(png_get_image_height(png, info));
  img.rgb.resize(static_cast<size_t>(img.width) * img.height * 3);
  std::vector<png_bytep> rows(img.height);
  for (int y = 0; y < img.height; ++y) rows[y] = img.rgb.data() + static_cast<size_t>(y) * img.width * 3;
  png_read_image(png, rows.data());
  png_destroy_read_struct(&png, &info, nullptr);
  std::fclose(f);
  return img;
}

inline int run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// Pixel of cell (q, k) of a matrix at `dpi`; q and k are tokens (a window starts at row0, col0).
inline std::pair<int, int> cell_pixel(const figure::MatrixPlacement& m, int q, int k, double dpi) {
  const double s = dpi / 72.0;
  const int cols = m.cols > 0 ? m.cols : m.n;
  const double x = m.box.x + (k - m.col0 + 0.5) * m.box.w / cols, y = m.box.y + (q - m.row0 + 0.5) * m.box.h / m.n;
  return {static_cast<int>(std::floor(x * s)), static_cast<int>(std::floor(y * s))};
}

// The structure alone (masks, leaks; no attention values) of S2 at N, G, H: mask figures at any N.
inline std::shared_ptr<const Analysis> s2_structure(int n, int g, int heads) {
  return analyze(test_scene({.variant = "s2", .n = n, .heads = heads, .g = g}), structure_only());
}

// A committed scene of assets/scenes/ by file stem.
inline Scene preset(const std::string& name) {
  return scene_load(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/" + name + ".json");
}

// The figure's items of one kind, in painter's order.
template <typename T>
std::vector<const T*> items_of(const figure::Figure& fig) {
  std::vector<const T*> out;
  for (const auto& item : fig.items)
    if (const auto* x = std::get_if<T>(&item)) out.push_back(x);
  return out;
}

inline bool has_text(const figure::Figure& fig, const std::string& text) {
  for (const auto* t : items_of<figure::Text>(fig))
    if (t->text == text) return true;
  return false;
}

// Every text of the figure joined by spaces, for phrases that wrap across lines.
inline std::string all_text(const figure::Figure& fig) {
  std::string out;
  for (const auto* t : items_of<figure::Text>(fig)) out += t->text + " ";
  return out;
}

}  // namespace attnscope::test
