#pragma once
// Draws a Figure on any cairo context: image (PNG, GIF frames), SVG or PDF surfaces.
#include <cairo.h>

#include "core/figure/model.hpp"

namespace attnscope::figure {

// Rasters are embedded with each cell repeated this many times per side (up to ~1024 pixels),
// for viewers that smooth embedded images whatever the file asks for (librsvg ignores SVG's
// image-rendering): the smoothing then only touches cell edges, never a cell's colour.
struct RenderOptions {
  bool prescale_rasters = false;
};

// The context's user space must be in points (scale raster surfaces by dpi/72 first).
void render_figure(cairo_t* cr, const Figure& figure, const RenderOptions& options = {});

}  // namespace attnscope::figure
