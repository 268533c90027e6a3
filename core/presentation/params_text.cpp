#include "core/presentation/params_text.hpp"

#include "core/scene/shaping_params.hpp"

namespace attnscope {

namespace {

// A typographic minus: "−2" rather than "-2".
std::string signed_text(int v) { return v < 0 ? "\u2212" + std::to_string(-v) : std::to_string(v); }

}  // namespace

std::string shaping_params_tail(const Analysis& analysis) {
  std::string out;
  for (const ShapingParam& p : shaping_params(analysis.scene, *analysis.variant)) {
    if (p.key == "g") out += " \u00b7 G=" + p.value;
    else if (p.key == "shift") out += " \u00b7 shift " + signed_text(std::stoi(p.value));
    else out += " \u00b7 " + (p.flag ? p.key : p.key + "=" + p.value);
  }
  return out;
}

std::string variant_params_text(const Analysis& analysis) { return analysis.scene.variant + shaping_params_tail(analysis); }

}  // namespace attnscope
