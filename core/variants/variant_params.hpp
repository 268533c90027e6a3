#pragma once
// Reading and checking variant parameters, shared by the variant files. Not a variant.
#include <fmt/format.h>

#include <string>

#include "core/scene/scene.hpp"

namespace attnscope {

// An Int parameter checked against [lo, hi]; an empty value (a derived default) gives `fallback`.
inline int param_int(const Scene& scene, const std::string& name, int lo, int hi,
                     const std::string& fix, int fallback = 0) {
  if (scene_param_text(scene, name).empty()) return fallback;
  const int64_t value = scene_param_int(scene, name);
  if (value < lo || value > hi)
    throw SceneError(fmt::format("{}: {} is outside {}..{}; {}", name, value, lo, hi, fix));
  return static_cast<int>(value);
}

inline bool param_flag(const Scene& scene, const std::string& name) {
  return scene_param_text(scene, name) == "true";
}

// Data-dependent variants derive one mask per head from the scores of one sequence.
inline void require_single_sequence(const Scene& scene) {
  if (scene.batch != 1)
    throw SceneError(fmt::format("batch: {} picks its keys from the scores of one sequence, so its "
                                 "masks are per sequence; use --batch 1",
                                 scene.variant));
}

}  // namespace attnscope
