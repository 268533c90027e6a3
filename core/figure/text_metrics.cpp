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

std::vector<std::string> text_wrap_items(const std::string& text, const std::string& separator,
                                         double size, double width) {
  std::vector<std::string> items;
  for (size_t begin = 0;;) {
    const size_t end = text.find(separator, begin);
    items.push_back(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + separator.size();
  }
  const auto join = [&](const std::vector<std::string>& line) {
    std::string out;
    for (const std::string& item : line) out += (out.empty() ? "" : separator) + item;
    return out;
  };
  std::vector<std::vector<std::string>> lines;
  for (const std::string& item : items) {
    if (!lines.empty()) {
      std::vector<std::string> longer = lines.back();
      longer.push_back(item);
      if (text_width(join(longer), size) <= width) {
        lines.back() = std::move(longer);
        continue;
      }
    }
    lines.push_back({item});
  }
  // No orphan: pull the previous line's last item down while that line keeps two or more.
  if (lines.size() >= 2 && lines.back().size() == 1 && lines[lines.size() - 2].size() >= 3) {
    std::vector<std::string> last = {lines[lines.size() - 2].back(), lines.back().front()};
    if (text_width(join(last), size) <= width) {
      lines[lines.size() - 2].pop_back();
      lines.back() = std::move(last);
    }
  }
  std::vector<std::string> out;
  for (const auto& line : lines) {
    const std::string joined = join(line);
    if (text_width(joined, size) <= width) {
      out.push_back(joined);
    } else {
      for (std::string& part : text_wrap(joined, size, width)) out.push_back(std::move(part));
    }
  }
  return out;
}

}  // namespace attnscope::figure
