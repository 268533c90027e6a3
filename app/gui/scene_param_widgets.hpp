#pragma once
// The scene panel's fields for a variant's own parameters, one generic widget per declared kind,
// so a new variant's parameters are editable without GUI code of its own.
#include <string>

#include "app/gui/screen_report.hpp"

namespace attnscope {

struct Scene;
class Variant;

// Draws a field for every parameter `variant` declares and writes edits into `scene.params`
// (an emptied field returns a parameter to its default). Returns true when the scene changed.
bool scene_param_widgets(const Variant& variant, Scene& scene, ScreenReport& report);

// The scene with `variant` and only the parameters that variant (or a compared one) declares:
// switching variants must not carry over keys the new one would reject.
Scene scene_switched_to(const Scene& scene, const std::string& variant);

}  // namespace attnscope
