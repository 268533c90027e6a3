#pragma once
// Text measurement for layout, from the same DejaVu Sans faces the renderer draws with, with
// hinting off so widths are the same at every resolution and in every format.
#include <string>
#include <vector>

namespace attnscope::figure {

extern const char* const kFontSans;
extern const char* const kFontMono;

double text_width(const std::string& text, double size, bool bold = false, bool mono = false);
// Greedy word wrap to `width`; explicit newlines start new lines.
std::vector<std::string> text_wrap(const std::string& text, double size, double width,
                                   bool mono = false);
// Wraps a list "a · b · c" between its items, never inside one (unless one item alone is too
// wide), and moves an item down rather than leave the last line with a single item.
std::vector<std::string> text_wrap_items(const std::string& text, const std::string& separator,
                                         double size, double width);

}  // namespace attnscope::figure
