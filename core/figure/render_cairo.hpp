#pragma once
// Draws a Figure on any cairo context: image (PNG, GIF frames), SVG or PDF surfaces.
#include <cairo.h>

#include <memory>

#include "core/figure/model.hpp"

namespace attnscope::figure {

// Rasters are embedded with each cell repeated this many times per side (up to ~1024 pixels),
// for viewers that smooth embedded images whatever the file asks for (librsvg ignores SVG's
// image-rendering): the smoothing then only touches cell edges, never a cell's colour.
struct RenderOptions {
  bool prescale_rasters = false;
};

// Owners of cairo's objects: an exception thrown while drawing (a cancel reported through the
// progress scope) frees them on its way out.
using CairoSurface = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using CairoContext = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;
inline CairoSurface cairo_surface_owned(cairo_surface_t* surface) { return {surface, cairo_surface_destroy}; }
inline CairoContext cairo_context_owned(cairo_t* cr) { return {cr, cairo_destroy}; }

// The context's user space must be in points (scale raster surfaces by dpi/72 first).
void render_figure(cairo_t* cr, const Figure& figure, const RenderOptions& options = {});

}  // namespace attnscope::figure
