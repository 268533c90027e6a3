#pragma once
// Encoders of a Figure per file format, and readers of the source text each one embeds.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/figure/model.hpp"
#include "core/figure/views.hpp"

namespace attnscope::figure {

// The figure drawn at `dpi` on cairo's image surface, row by row as cairo keeps it: one uint32 per
// pixel, 0x00RRGGBB. The PNG writer reads these rows as they are.
class Canvas {
 public:
  Canvas(const Figure& figure, int dpi);
  int width() const { return width_; }
  int height() const { return height_; }
  const uint32_t* row(int y) const {
    return reinterpret_cast<const uint32_t*>(memory_.get() + static_cast<size_t>(y) * stride_);
  }

 private:
  int width_ = 0, height_ = 0, stride_ = 0;
  std::unique_ptr<unsigned char[]> memory_;
};

// An opaque RGB image, row-major, 3 bytes per pixel.
struct Pixels {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
};
Pixels rasterize(const Figure& figure, int dpi);

std::string encode_png(const Figure& figure, int dpi, const std::string& source);
std::string encode_svg(const Figure& figure, const std::string& source);
std::string encode_pdf(const Figure& figure, const std::string& source);
// One PDF page per figure, each at its own size.
std::string encode_pdf_pages(const std::vector<Figure>& pages, const std::string& source);
std::string encode_gif(const std::vector<TimedFigure>& frames, int dpi, const std::string& source);

// The embedded source text, or "" when the bytes carry none.
std::string png_source(const std::string& bytes);
std::string svg_source(const std::string& bytes);
std::string pdf_source(const std::string& bytes);
std::string gif_source(const std::string& bytes);

}  // namespace attnscope::figure
