#include "core/presentation/params_text.hpp"

#include "core/scene/shaping_params.hpp"
#include "core/scene/stack.hpp"

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


int text_columns(const std::string& text) {
  int count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string stack_layer_text(const Analysis& layer) {
  std::string text = variant_params_text(layer);
  const Scene& scene = layer.scene;
  if (!scene.stack.empty() && !scene_stack(scene).entry(scene.layer.value_or(0)).heads.empty())
    text += " (heads of their own)";
  return text;
}

std::string text_fitted(const std::string& text, int width) {
  if (text_columns(text) <= width) return text;
  static const std::string separator = " \u00b7 ";
  static const std::string more = " \u2026";
  for (size_t cut = text.rfind(separator); cut != std::string::npos && cut > 0;
       cut = text.rfind(separator, cut - 1))
    if (text_columns(text.substr(0, cut)) + text_columns(more) <= width) return text.substr(0, cut) + more;
  // Not even the variant fits: its first characters.
  std::string out;
  int count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80 && ++count > width) break;
    out += text[i];
  }
  return out;
}

}  // namespace attnscope
