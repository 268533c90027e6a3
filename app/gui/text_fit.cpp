#include "app/gui/text_fit.hpp"

#include <imgui.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace attnscope {

std::string text_break_lines(const std::string& text, float width) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string line;
    size_t word = start;
    while (word < end) {
      const size_t space = std::min(text.find(' ', word), end);
      const std::string next = text.substr(word, space - word);
      const std::string joined = line.empty() ? next : line + " " + next;
      if (!line.empty() && ImGui::CalcTextSize(joined.c_str()).x > width) {
        out += line + "\n";
        line = next;
      } else {
        line = joined;
      }
      word = space + 1;
    }
    out += line;
    if (end == text.size()) break;
    out += "\n";
    start = end + 1;
  }
  return out;
}

namespace {
// Like ImGui's own state, per frame and on the GUI thread only; emptied by every frame.
std::vector<WrappedText> wrapped_drawn;
}  // namespace

void text_wrapped(const std::string& text, float width) {
  if (width <= 0.f) width = ImGui::GetContentRegionAvail().x;
  std::string drawn = text_break_lines(text, width);
  ImGui::TextUnformatted(drawn.c_str());
  if (drawn.find('\n') != std::string::npos) wrapped_drawn.push_back({text, std::move(drawn)});
}

std::vector<WrappedText> text_wrapped_drawn_take() { return std::exchange(wrapped_drawn, {}); }

std::string text_fit_lines(const std::string& text, float width, int max_lines) {
  auto lines = [&](const std::string& t) { return static_cast<int>(std::count(t.begin(), t.end(), '\n')) + 1; };
  if (const std::string whole = text_break_lines(text, width); lines(whole) <= max_lines) return whole;
  // The longest prefix ending at a space that fits with the ellipsis (binary search over spaces).
  std::vector<size_t> spaces;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == ' ') spaces.push_back(i);
  size_t lo = 0, hi = spaces.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (lines(text_break_lines(text.substr(0, spaces[mid - 1]) + " \u2026", width)) <= max_lines) lo = mid;
    else hi = mid - 1;
  }
  return lo == 0 ? "\u2026" : text_break_lines(text.substr(0, spaces[lo - 1]) + " \u2026", width);
}

std::string text_fit_name(const std::string& name, float width) {
  std::string fitted = name;
  for (size_t keep = name.size(); ImGui::CalcTextSize(fitted.c_str()).x > width && keep > 4; --keep)
    fitted = name.substr(0, keep / 2) + "\u2026" + name.substr(name.size() - (keep - keep / 2));
  return fitted;
}

}  // namespace attnscope
