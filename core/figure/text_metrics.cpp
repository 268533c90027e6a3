#include "core/figure/text_metrics.hpp"

#include <cairo.h>

#include <sstream>

namespace attnscope::figure {

const char* const kFontSans = "DejaVu Sans";
const char* const kFontMono = "DejaVu Sans Mono";

namespace {

// One measuring context per thread: the GUI may export from a worker thread.
cairo_t* measuring_context() {
  thread_local struct Holder {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t* cr = cairo_create(surface);
    Holder() {
      cairo_font_options_t* fo = cairo_font_options_create();
      cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
      cairo_set_font_options(cr, fo);
      cairo_font_options_destroy(fo);
    }
    ~Holder() {
      cairo_destroy(cr);
      cairo_surface_destroy(surface);
    }
  } holder;
  return holder.cr;
}

}  // namespace

double text_width(const std::string& text, double size, bool bold, bool mono) {
  cairo_t* cr = measuring_context();
  cairo_select_font_face(cr, mono ? kFontMono : kFontSans, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  return e.x_advance;
}

std::vector<std::string> text_wrap(const std::string& text, double size, double width, bool mono) {
  std::vector<std::string> lines;
  std::istringstream paragraphs(text);
  std::string paragraph;
  while (std::getline(paragraphs, paragraph)) {
    std::istringstream words(paragraph);
    std::string word, line;
    while (words >> word) {
      const std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && text_width(candidate, size, false, mono) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace attnscope::figure
