#pragma once
// Text that must fit a box: wrapped at word boundaries to at most a number of lines, and cut with
// an ellipsis beyond them, so no word is ever clipped in the middle. Uses the current ImGui font.
#include <string>

namespace attnscope {

std::string text_fit_lines(const std::string& text, float width, int max_lines);

}  // namespace attnscope
