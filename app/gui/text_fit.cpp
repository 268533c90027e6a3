#include "app/gui/text_fit.hpp"

#include <imgui.h>

#include <vector>

namespace attnscope {

std::string text_fit_lines(const std::string& text, float width, int max_lines) {
  const float line = ImGui::GetTextLineHeight();
  auto lines = [&](const std::string& t) {
    return static_cast<int>(ImGui::CalcTextSize(t.c_str(), nullptr, false, width).y / line + 0.5f);
  };
  if (lines(text) <= max_lines) return text;
  // The longest prefix ending at a space that fits with the ellipsis (binary search over spaces).
  std::vector<size_t> spaces;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == ' ') spaces.push_back(i);
  size_t lo = 0, hi = spaces.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (lines(text.substr(0, spaces[mid - 1]) + " \u2026") <= max_lines) lo = mid;
    else hi = mid - 1;
  }
  return lo == 0 ? "\u2026" : text.substr(0, spaces[lo - 1]) + " \u2026";
}

std::string text_fit_name(const std::string& name, float width) {
  std::string fitted = name;
  for (size_t keep = name.size(); ImGui::CalcTextSize(fitted.c_str()).x > width && keep > 4; --keep)
    fitted = name.substr(0, keep / 2) + "\u2026" + name.substr(name.size() - (keep - keep / 2));
  return fitted;
}

}  // namespace attnscope
