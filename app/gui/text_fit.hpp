#pragma once
// Text that must fit a box: wrapped at word boundaries to at most a number of lines, and cut with
// an ellipsis beyond them, so no word is ever clipped in the middle. Uses the current ImGui font.
#include <string>

namespace attnscope {

std::string text_fit_lines(const std::string& text, float width, int max_lines);
// A file name on one line: too wide, it loses its middle (an ellipsis in its place), never its
// ends, which tell files apart.
std::string text_fit_name(const std::string& name, float width);

}  // namespace attnscope
