// PNG through libpng rather than cairo's writer: libpng can add the tEXt chunk that carries the
// figure's source, and the pHYs chunk that tells layout programs the intended size.
#include <png.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "core/figure/formats.hpp"

namespace attnscope::figure {

namespace {

constexpr const char* kKeyword = "attnscope";

void append_bytes(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), length);
}
void no_flush(png_structp) {}
[[noreturn]] void png_fail(png_structp, png_const_charp message) { throw std::runtime_error(std::string("png: ") + message); }
void png_quiet(png_structp, png_const_charp) {}

struct Reader {
  const std::string* bytes;
  size_t offset = 0;
};
void read_bytes(png_structp png, png_bytep out, png_size_t length) {
  auto* r = static_cast<Reader*>(png_get_io_ptr(png));
  if (r->offset + length > r->bytes->size()) png_error(png, "truncated file");
  std::memcpy(out, r->bytes->data() + r->offset, length);
  r->offset += length;
}

}  // namespace

std::string encode_png(const Figure& figure, int dpi, const std::string& source) {
  const Canvas canvas(figure, dpi);
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, png_fail, png_quiet);
  png_infop info = png_create_info_struct(png);
  try {
    png_set_write_fn(png, &out, append_bytes, no_flush);
    png_set_IHDR(png, info, canvas.width(), canvas.height(), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    const auto per_metre = static_cast<png_uint_32>(std::lround(dpi / 0.0254));
    png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
    png_text text{};
    text.compression = PNG_TEXT_COMPRESSION_NONE;
    text.key = const_cast<char*>(kKeyword);
    text.text = const_cast<char*>(source.c_str());
    text.text_length = source.size();
    png_set_text(png, info, &text, 1);
    // Figures are flat fills: unfiltered rows at zlib level 3 come out smaller than libpng's
    // adaptive filtering at level 6, in less than half the time (measured by figure_bench).
    png_set_compression_level(png, 3);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    // The canvas's rows as they are: libpng drops the unused byte of each pixel and reads the
    // others as B, G, R (0x00RRGGBB on a little-endian machine), with no copy of the image.
    static_assert(std::endian::native == std::endian::little, "cairo's RGB24 pixels are read as B, G, R, unused");
    png_set_filler(png, 0, PNG_FILLER_AFTER);
    png_set_bgr(png);
    for (int y = 0; y < canvas.height(); ++y)
      png_write_row(png, reinterpret_cast<png_const_bytep>(canvas.row(y)));
    png_write_end(png, nullptr);
  } catch (...) {
    png_destroy_write_struct(&png, &info);
    throw;
  }
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string png_source(const std::string& bytes) {
  if (bytes.size() < 8 || png_sig_cmp(reinterpret_cast<png_const_bytep>(bytes.data()), 0, 8) != 0) return "";
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, png_fail, png_quiet);
  png_infop info = png_create_info_struct(png);
  std::string found;
  try {
    Reader reader{&bytes};
    png_set_read_fn(png, &reader, read_bytes);
    png_read_info(png, info);  // tEXt is written before the image data
    png_textp texts = nullptr;
    const int count = png_get_text(png, info, &texts, nullptr);
    for (int i = 0; i < count; ++i)
      if (std::strcmp(texts[i].key, kKeyword) == 0) found.assign(texts[i].text, texts[i].text_length);
  } catch (const std::runtime_error&) {
    found.clear();
  }
  png_destroy_read_struct(&png, &info, nullptr);
  return found;
}

}  // namespace attnscope::figure
