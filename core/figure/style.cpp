#include "core/figure/style.hpp"

namespace attnscope::figure {

Style style_for(const FigureOptions& options) {
  Style s;
  s.theme = theme_get(options.theme);
  s.colormap = options.colormap;
  switch (options.size) {
    case FigureSize::Single:
      // A 3.5 in column is read at arm's length in print: 5 pt is the smallest legible tick.
      s.width = 252, s.margin = 6, s.gap = 8;
      s.title = 8, s.label = 6.5, s.tick = 5, s.caption = 6.5, s.line = 0.5;
      break;
    case FigureSize::Double:
      s.width = 504, s.margin = 10, s.gap = 12;
      s.title = 10, s.label = 8, s.tick = 6.5, s.caption = 8, s.line = 0.6;
      break;
    case FigureSize::Slide:
      // 16:9 at 10 in wide, type large enough for the back of a lecture room: at 1920 × 1080
      // pixels no text is under 28 px (10.5 pt). Slide layouts make room rather than shrink.
      s.width = kSlideWidth, s.height = kSlideHeight, s.margin = 16, s.gap = 18;
      s.title = 18, s.label = 12, s.tick = 12, s.caption = 12, s.line = 0.8;
      s.min_text = kSlideMinText;
      break;
  }
  for (const std::string& token : options.token_text.tokens) s.token_labels.push_back(token_text_shown(token));
  return s;
}

}  // namespace attnscope::figure
