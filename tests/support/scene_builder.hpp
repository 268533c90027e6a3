#pragma once
// Small scenes for tests, stated in one line: test_scene("window", 16, 2, {{"window", "4"}}), and
// the options that analyse a scene's structure alone.
#include <map>
#include <string>

#include "core/analysis/analysis.hpp"
#include "core/scene/scene.hpp"

namespace attnscope::test {

inline Scene test_scene(const std::string& variant = "s2", int n = 16, int heads = 2,
                        std::map<std::string, std::string> params = {}) {
  Scene scene;
  scene.variant = variant;
  scene.n = n;
  scene.heads = heads;
  scene.params = std::move(params);
  return scene;
}

// Masks, leaks, steps and metrics without attention values: any N.
inline AnalyzeOptions structure_only() {
  AnalyzeOptions options;
  options.values = false;
  return options;
}

}  // namespace attnscope::test
