#include <cairo.h>

#include <cmath>
#include <stdexcept>

#include "core/figure/formats.hpp"
#include "core/figure/render_cairo.hpp"

namespace attnscope::figure {

Pixels rasterize(const Figure& figure, int dpi) {
  constexpr int kMaxSide = 16384;  // cairo's image surfaces stop at 32767; keep well inside
  const double scale = dpi / 72.0;
  Pixels out;
  out.width = static_cast<int>(std::lround(figure.width * scale));
  out.height = static_cast<int>(std::lround(figure.height * scale));
  if (dpi <= 0 || out.width > kMaxSide || out.height > kMaxSide)
    throw std::runtime_error("dpi: " + std::to_string(dpi) + " makes a " + std::to_string(out.width) + "x" +
                             std::to_string(out.height) + " image; use a dpi between 1 and " +
                             std::to_string(static_cast<int>(kMaxSide / std::max(figure.width, figure.height) * 72)));
  const CairoSurface surface = cairo_surface_owned(cairo_image_surface_create(CAIRO_FORMAT_RGB24, out.width, out.height));
  {
    const CairoContext cr = cairo_context_owned(cairo_create(surface.get()));
    cairo_scale(cr.get(), scale, scale);
    render_figure(cr.get(), figure);
  }
  cairo_surface_flush(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
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
