#pragma once
// Runs `attnscope gui ... --screenshot` and reads back the PNG and its layout sidecar, so tests
// can sample the pixels of a heatmap cell or a token-grid cell by its meaning.
#include <stb_image.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/presentation/colormap.hpp"
#include "tests/support/color_distance.hpp"
#include "tests/support/process.hpp"

namespace attnscope::test {

struct Screenshot {
  int exit_code = -1;
  int width = 0, height = 0;
  std::shared_ptr<unsigned char> pixels;
  nlohmann::json layout;

  Rgb8 at(int x, int y) const {
    const unsigned char* p = pixels.get() + (static_cast<size_t>(y) * width + x) * 3;
    return {p[0], p[1], p[2]};
  }
  // The heatmap of `head`: rectangle and N from the sidecar, cell centres computed here.
  const nlohmann::json& heatmap(int head) const {
    for (const auto& h : layout["heatmaps"])
      if (h["head"] == head) return h;
    throw std::runtime_error("no heatmap for head " + std::to_string(head));
  }
  // Zoomed and panned views too: the sidecar gives the zoom and the tokens at the top-left corner.
  std::pair<int, int> cell_centre(int head, int q, int k) const {
    const auto& h = heatmap(head);
    const auto& r = h["rect"];
    const double cell = (r[2].get<double>() - r[0].get<double>()) * h.value("zoom", 1.0) / h["n"].get<int>();
    return {static_cast<int>(r[0].get<double>() + (k - h.value("first_col", 0.0) + 0.5) * cell),
            static_cast<int>(r[1].get<double>() + (q - h.value("first_row", 0.0) + 0.5) * cell)};
  }
  const Theme& theme() const { return theme_get(theme_parse(layout["theme"])); }
  const std::array<Rgb8, 256>& colormap() const { return colormap_table(colormap_parse(layout["colormap"])); }
};

// Whether a pixel within `radius` of (x, y) has colour `c` (the leak cross is thin and
// anti-aliased, so the exact centre pixel may be blended).
inline bool colour_near(const Screenshot& s, int x, int y, Rgb8 c, int radius = 2, int tolerance = 24) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx)
      if (color_distance(s.at(x + dx, y + dy), c) <= tolerance) return true;
  return false;
}

inline Screenshot screenshot_take(const std::string& args, const std::string& name) {
  const std::string path = std::string(::testing::TempDir()) + "attnscope_" + name + ".png";
  std::remove(path.c_str());
  const std::string command = std::string(ATTNSCOPE_BINARY) + " gui " + args + " --screenshot " + path;
  Screenshot s;
  s.exit_code = process_run(command).code;
  if (s.exit_code != 0) return s;
  int channels = 0;
  s.pixels.reset(stbi_load(path.c_str(), &s.width, &s.height, &channels, 3), stbi_image_free);
  std::ifstream sidecar(path + ".json");
  s.layout = nlohmann::json::parse(sidecar);
  return s;
}

inline std::string scene_path(const std::string& file) {
  return std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/" + file;
}

}  // namespace attnscope::test
