// Animated GIF: frames rasterised from the same figures as the PNG, one shared palette, a
// looping NETSCAPE2.0 block, per-frame delays and the source in a comment block.
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

#include "core/figure/formats.hpp"

namespace attnscope::figure {

namespace {

uint32_t pack(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]; }

// The 256 most frequent colours. Figures are mostly flat fills (cells, background, text), so
// those are kept exactly; anti-aliased edge pixels map to their nearest palette entry.
std::vector<uint32_t> palette_of(const std::vector<Pixels>& frames) {
  std::unordered_map<uint32_t, uint64_t> counts;
  for (const Pixels& f : frames)
    for (size_t i = 0; i < f.rgb.size(); i += 3) ++counts[pack(&f.rgb[i])];
  std::vector<std::pair<uint32_t, uint64_t>> sorted(counts.begin(), counts.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::vector<uint32_t> palette;
  for (size_t i = 0; i < sorted.size() && i < 256; ++i) palette.push_back(sorted[i].first);
  return palette;
}

int nearest(const std::vector<uint32_t>& palette, uint32_t c) {
  int best = 0;
  long best_d = -1;
  for (size_t i = 0; i < palette.size(); ++i) {
    const long dr = long((palette[i] >> 16) & 255) - long((c >> 16) & 255);
    const long dg = long((palette[i] >> 8) & 255) - long((c >> 8) & 255);
    const long db = long(palette[i] & 255) - long(c & 255);
    const long d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;  // rough perceptual weights
    if (best_d < 0 || d < best_d) best_d = d, best = static_cast<int>(i);
  }
  return best;
}

int append_bytes(GifFileType* gif, const GifByteType* data, int length) {
  static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), length);
  return length;
}

struct Reader {
  const std::string* bytes;
  size_t offset = 0;
};
int read_bytes(GifFileType* gif, GifByteType* out, int length) {
  auto* r = static_cast<Reader*>(gif->UserData);
  const size_t n = std::min<size_t>(length, r->bytes->size() - r->offset);
  std::memcpy(out, r->bytes->data() + r->offset, n);
  r->offset += n;
  return static_cast<int>(n);
}

void check(int status, GifFileType* gif, const char* what) {
  if (status != GIF_ERROR) return;
  throw std::runtime_error(std::string("gif: ") + what + " failed: " + GifErrorString(gif->Error));
}

}  // namespace

std::string encode_gif(const std::vector<TimedFigure>& frames, int dpi, const std::string& source) {
  if (frames.empty()) throw std::runtime_error("gif: no frames to write");
  std::vector<Pixels> images;
  for (const TimedFigure& f : frames) images.push_back(rasterize(f.figure, dpi));
  const int w = images.front().width, h = images.front().height;
  for (const Pixels& p : images)
    if (p.width != w || p.height != h) throw std::runtime_error("gif: frames differ in size");

  std::vector<uint32_t> palette = palette_of(images);
  while (palette.size() < 256) palette.push_back(palette.back());  // GIF tables are 2^k entries
  std::vector<GifColorType> colors(256);
  for (int i = 0; i < 256; ++i)
    colors[i] = {GifByteType(palette[i] >> 16), GifByteType(palette[i] >> 8), GifByteType(palette[i])};

  std::string out;
  int error = 0;
  GifFileType* gif = EGifOpen(&out, append_bytes, &error);
  if (!gif) throw std::runtime_error(std::string("gif: ") + GifErrorString(error));
  ColorMapObject* map = GifMakeMapObject(256, colors.data());
  try {
    EGifSetGifVersion(gif, true);
    check(EGifPutScreenDesc(gif, w, h, 8, 0, map), gif, "screen descriptor");
    static const GifByteType kLoop[] = {1, 0, 0};  // loop forever
    check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "loop block");
    check(EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0"), gif, "loop block");
    check(EGifPutExtensionBlock(gif, 3, kLoop), gif, "loop block");
    check(EGifPutExtensionTrailer(gif), gif, "loop block");
    check(EGifPutComment(gif, source.c_str()), gif, "comment");
    // Palette indices of every frame first, so each later frame can be written as just the
    // rectangle that changed (kept in place by DISPOSE_DO_NOT): most of a step figure is static.
    std::unordered_map<uint32_t, GifByteType> index;
    std::vector<std::vector<GifPixelType>> indexed(images.size(), std::vector<GifPixelType>(size_t(w) * h));
    for (size_t f = 0; f < images.size(); ++f)
      for (size_t p = 0; p < indexed[f].size(); ++p) {
        const uint32_t c = pack(&images[f].rgb[p * 3]);
        auto it = index.find(c);
        if (it == index.end()) it = index.emplace(c, static_cast<GifByteType>(nearest(palette, c))).first;
        indexed[f][p] = it->second;
      }
    for (size_t f = 0; f < images.size(); ++f) {
      int x0 = 0, y0 = 0, x1 = w, y1 = h;  // changed rectangle, half-open
      if (f > 0) {
        x0 = w, y0 = h, x1 = 0, y1 = 0;
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x)
            if (indexed[f][size_t(y) * w + x] != indexed[f - 1][size_t(y) * w + x])
              x0 = std::min(x0, x), x1 = std::max(x1, x + 1), y0 = std::min(y0, y), y1 = std::max(y1, y + 1);
        if (x1 == 0) x0 = 0, y0 = 0, x1 = 1, y1 = 1;  // an unchanged frame still needs one pixel
      }
      GraphicsControlBlock gcb{DISPOSE_DO_NOT, false, frames[f].delay_ms / 10, NO_TRANSPARENT_COLOR};
      GifByteType ext[4];
      EGifGCBToExtension(&gcb, ext);
      check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext), gif, "frame delay");
      check(EGifPutImageDesc(gif, x0, y0, x1 - x0, y1 - y0, false, nullptr), gif, "image descriptor");
      for (int y = y0; y < y1; ++y)
        check(EGifPutLine(gif, indexed[f].data() + size_t(y) * w + x0, x1 - x0), gif, "image data");
    }
  } catch (...) {
    GifFreeMapObject(map);
    EGifCloseFile(gif, &error);
    throw;
  }
  GifFreeMapObject(map);
  if (EGifCloseFile(gif, &error) == GIF_ERROR)
    throw std::runtime_error(std::string("gif: ") + GifErrorString(error));
  return out;
}

std::string gif_source(const std::string& bytes) {
  if (bytes.rfind("GIF8", 0) != 0) return "";
  Reader reader{&bytes};
  int error = 0;
  GifFileType* gif = DGifOpen(&reader, read_bytes, &error);
  if (!gif) return "";
  // Records are read one by one up to the first image: the comment is written before it, and
  // decoding images (DGifSlurp) would allocate whatever size a damaged header claims.
  std::string out;
  GifRecordType type = UNDEFINED_RECORD_TYPE;
  while (out.empty() && DGifGetRecordType(gif, &type) == GIF_OK && type == EXTENSION_RECORD_TYPE) {
    int code = 0;
    GifByteType* block = nullptr;
    if (DGifGetExtension(gif, &code, &block) == GIF_ERROR) break;
    std::string text;
    // A comment longer than 255 bytes continues in further sub-blocks.
    while (block) {
      if (code == COMMENT_EXT_FUNC_CODE) text.append(reinterpret_cast<const char*>(block + 1), block[0]);
      if (DGifGetExtensionNext(gif, &block) == GIF_ERROR) {
        text.clear();
        break;
      }
    }
    out = text;
  }
  DGifCloseFile(gif, &error);
  return out;
}

}  // namespace attnscope::figure
