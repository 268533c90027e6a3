#include "app/gui/scene_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/presentation/digits.hpp"

namespace attnscope {

std::string qkv_source_text(const Scene& scene) {
  if (scene.qkv.empty()) return fmt::format("q, k, v generated (seed {})", scene.seed);
  return "q, k, v from " + std::filesystem::path(scene.qkv).filename().string() +
         (scene.layer ? fmt::format(", layer {}", *scene.layer) : "");
}

std::string window_title(const Scene& scene) {
  return fmt::format("attnscope: {}, N = {}, H = {} \u00b7 {}", scene.variant, digits_grouped(scene.n), scene.heads,
                     qkv_source_text(scene));
}

}  // namespace attnscope
