#pragma once
// Page size, type sizes and colours of a figure, derived once from the options.
#include <string>
#include <vector>

#include "core/figure/figure.hpp"
#include "core/presentation/colormap.hpp"

namespace attnscope::figure {

struct Style {
  Theme theme;
  ColormapName colormap = ColormapName::Viridis;
  double width = 504;     // points
  double height = 0;      // fixed page height (slides); 0: as tall as the content
  double margin = 10;
  double gap = 10;        // between panels
  double title = 10;      // type sizes in points
  double label = 8;
  double tick = 6.5;
  double caption = 8;
  double line = 0.6;      // axis line width
  // The smallest size text may shrink to where room is short (tick labels under small cells,
  // headers of narrow panels); slides keep every text readable from the back of the room.
  double min_text = 0;
  // Each token's text as labels show it (token_text_shown); empty: token numbers only.
  std::vector<std::string> token_labels;
};

Style style_for(const FigureOptions& options);

// A slide page (FigureSize::Slide) in points, drawn at 1920 × 1080 pixels by default.
constexpr double kSlideWidth = 720, kSlideHeight = 405;
// The smallest slide text: 28 px at 1920 px wide.
constexpr double kSlideMinText = 28 * kSlideWidth / 1920;

}  // namespace attnscope::figure
