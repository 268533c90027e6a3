#pragma once
// The parts around the panels: title block, legend, colorbar and caption. Each draws at y and
// returns the y below it, so a view can measure a part by drawing it into a scratch Figure.
#include <string>
#include <vector>

#include "core/figure/matrix_panel.hpp"
#include "core/figure/model.hpp"
#include "core/figure/style.hpp"

namespace attnscope::figure {

// An empty page of the style's width and background; views grow its height as they draw.
Figure figure_page(const Style& style);

double draw_title(Figure& fig, const Style& style, double y, const std::string& title,
                  const std::string& subtitle);

struct LegendEntry {
  enum class Kind { Swatch, Leak, Line, Hatch, Outline } kind = Kind::Swatch;
  Rgb8 color;
  std::string label;
};
// Entries flow left to right and wrap within [x, x + width].
double draw_legend(Figure& fig, const Style& style, double x, double y, double width,
                   const std::vector<LegendEntry>& entries);

// A vertical bar from 0 (bottom) to the scale's top with ticks and a rotated label beside it.
void draw_colorbar(Figure& fig, const Style& style, const Box& bar, const WeightScale& scale,
                   const std::string& label);
// Room the colorbar of `scale` takes right of the panels, its tick labels and title included.
double colorbar_width(const Style& style, const WeightScale& scale);

double draw_caption(Figure& fig, const Style& style, double x, double y, double width,
                    const std::string& caption);

// A table: the first row is the bold header, the first column left-aligned, the others right.
double draw_table(Figure& fig, const Style& style, double x, double y,
                  const std::vector<std::vector<std::string>>& rows);

// The end of a lesson figure: its explanation, then the scene's caption, the page height set and
// fitted to a fixed page (slides).
void figure_close(Figure& fig, const Style& style, double y, const std::string& explanation,
                  const std::string& caption);

// Height a part takes, measured by drawing it where nobody sees it.
template <typename Draw>
double measure_height(Draw draw) {
  Figure scratch;
  return draw(scratch, 0.0);
}

}  // namespace attnscope::figure
