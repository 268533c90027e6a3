#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "core/figure/formats.hpp"
#include "core/figure/render_cairo.hpp"

namespace attnscope::figure {

Canvas::Canvas(const Figure& figure, int dpi) {
  constexpr int kMaxSide = 16384;  // cairo's image surfaces stop at 32767; keep well inside
  const double scale = dpi / 72.0;
  width_ = static_cast<int>(std::lround(figure.width * scale));
  height_ = static_cast<int>(std::lround(figure.height * scale));
  if (dpi <= 0 || width_ > kMaxSide || height_ > kMaxSide)
    throw std::runtime_error("dpi: " + std::to_string(dpi) + " makes a " + std::to_string(width_) + "x" +
                             std::to_string(height_) + " image; use a dpi between 1 and " +
                             std::to_string(static_cast<int>(kMaxSide / std::max(figure.width, figure.height) * 72)));
  // Memory of our own, left unset: render_figure paints the background over every pixel first, so
  // clearing megabytes that are painted over at once would be wasted.
  stride_ = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, width_);
  memory_ = std::make_unique_for_overwrite<unsigned char[]>(static_cast<size_t>(stride_) * height_);
  const CairoSurface surface = cairo_surface_owned(
      cairo_image_surface_create_for_data(memory_.get(), CAIRO_FORMAT_RGB24, width_, height_, stride_));
  {
    const CairoContext cr = cairo_context_owned(cairo_create(surface.get()));
    cairo_scale(cr.get(), scale, scale);
    render_figure(cr.get(), figure);
  }
  cairo_surface_finish(surface.get());
}

Pixels rasterize(const Figure& figure, int dpi) {
  const Canvas canvas(figure, dpi);
  Pixels out{canvas.width(), canvas.height(), {}};
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y) {
    const uint32_t* row = canvas.row(y);
    uint8_t* dst = out.rgb.data() + static_cast<size_t>(y) * out.width * 3;
    for (int x = 0; x < out.width; ++x) {
      dst[3 * x] = static_cast<uint8_t>(row[x] >> 16);
      dst[3 * x + 1] = static_cast<uint8_t>(row[x] >> 8);
      dst[3 * x + 2] = static_cast<uint8_t>(row[x]);
    }
  }
  return out;
}

}  // namespace attnscope::figure
