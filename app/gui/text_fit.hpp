#pragma once
// Text that must fit a box: wrapped at word boundaries to at most a number of lines, and cut with
// an ellipsis beyond them, so no word is ever clipped in the middle. Uses the current ImGui font.
// Lines break at spaces only: ImGui's own wrapping also breaks after '.' and ',', which splits
// numbers ("16,777,|216", "2.|15 G FLOPs"), so the views never use it.
#include <string>
#include <vector>

namespace attnscope {

// The text with a line break at the last space before each line would pass `width`; a word wider
// than the width keeps a line of its own, whole. Existing line breaks stay.
std::string text_break_lines(const std::string& text, float width);
// Draws the text broken at spaces to `width` (the content region's width when 0).
void text_wrapped(const std::string& text, float width = 0.f);
// The texts text_wrapped drew with more than one line since the last call, before and after
// breaking, so the frame's screen report can check that no break fell inside a number.
struct WrappedText {
  std::string source, drawn;
};
std::vector<WrappedText> text_wrapped_drawn_take();
// Broken at spaces and cut after `max_lines` lines; the result is drawn as it is, unwrapped.
std::string text_fit_lines(const std::string& text, float width, int max_lines);
// A file name on one line: too wide, it loses its middle (an ellipsis in its place), never its
// ends, which tell files apart.
std::string text_fit_name(const std::string& name, float width);

}  // namespace attnscope
