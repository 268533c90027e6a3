#pragma once
// Test scenes stated in one expression, and the options that analyse a scene's structure alone.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/scene/scene.hpp"

namespace attnscope::test {

// The fields a test sets, in Scene's order and with Scene's defaults, named with designated
// initializers; a field left out keeps its default:
//   test_scene({.variant = "window", .n = 32, .g = 8, .seed = 7, .params = {{"window", "4"}}})
struct SceneSpec {
  std::string title;
  std::string variant = "s2";
  int n = 16;
  int heads = 2;
  int d = 8;
  int batch = 1;
  int g = 4;
  std::optional<int> shift;
  std::string policy = "causal";
  uint64_t seed = 0;
  std::map<std::string, std::string> params;
  std::vector<std::string> compare;
  std::map<std::string, std::string> captions;
};

inline Scene test_scene(SceneSpec spec = {}) {
  return {.title = std::move(spec.title),
          .variant = std::move(spec.variant),
          .n = spec.n,
          .heads = spec.heads,
          .d = spec.d,
          .batch = spec.batch,
          .g = spec.g,
          .shift = spec.shift,
          .policy = std::move(spec.policy),
          .seed = spec.seed,
          .params = std::move(spec.params),
          .compare = std::move(spec.compare),
          .captions = std::move(spec.captions)};
}

// Masks, leaks, steps and metrics without attention values: any N.
inline AnalyzeOptions structure_only() {
  AnalyzeOptions options;
  options.values = false;
  return options;
}

}  // namespace attnscope::test
