#include "app/gui/scene_source.hpp"

#include <fmt/format.h>

#include "core/base/digits.hpp"
#include "core/scene/qkv_file.hpp"

namespace attnscope {

std::string window_title(const Scene& scene) {
  return fmt::format("attnscope: {}, N = {}, H = {} \u00b7 {}", scene.variant, digits_grouped(scene.n), scene.heads,
                     qkv_source_text(scene));
}

}  // namespace attnscope
