// SVG and PDF: the same cairo drawing on vector surfaces, plus each format's way of carrying
// the figure's source text.
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include <cctype>
#include <cstring>
#include <map>
#include <vector>
#include <stdexcept>

#include "core/figure/formats.hpp"
#include "core/figure/render_cairo.hpp"

namespace attnscope::figure {

namespace {

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void finish(const CairoSurface& surface, const Figure& figure, const char* format, const RenderOptions& options) {
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  {
    const CairoContext cr = cairo_context_owned(cairo_create(surface.get()));
    render_figure(cr.get(), figure, options);
    status = cairo_status(cr.get());
  }
  cairo_surface_finish(surface.get());
  const cairo_status_t surface_status = cairo_surface_status(surface.get());
  for (cairo_status_t s : {status, surface_status})
    if (s != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error(std::string(format) + ": cairo failed: " + cairo_status_to_string(s));
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xml_unescape(const std::string& text) {
  // Entities are short: an '&' with no ';' within a few characters is taken literally, so
  // damaged text costs linear time (a missing ';' used to restart the scan forever).
  constexpr size_t kLongestEntity = 6;  // "&quot;"
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t end = text[i] == '&' ? text.find(';', i) : std::string::npos;
    if (end == std::string::npos || end - i >= kLongestEntity) {
      out += text[i];
      continue;
    }
    const std::string entity = text.substr(i, end - i + 1);
    out += entity == "&lt;" ? "<" : entity == "&gt;" ? ">" : entity == "&amp;" ? "&"
         : entity == "&quot;" ? "\"" : entity == "&apos;" ? "'" : entity;
    i = end;
  }
  return out;
}

// Cairo numbers SVG ids (image6, surface9, ...) from process-wide counters, so a second figure
// drawn by the same process (the GUI, the tests) would differ in its ids alone. Renumbering
// them in order of appearance makes the file a function of the figure only.
std::string svg_renumber_ids(const std::string& svg) {
  static const char* const kPrefixes[] = {"image", "surface", "source", "pattern", "clip", "mask"};
  std::map<std::string, std::map<std::string, int>> seen;  // prefix -> old number -> new number
  std::string out;
  out.reserve(svg.size());
  size_t i = 0;
  while (i < svg.size()) {
    const bool ref = svg[i] == '#';
    const bool def = svg.compare(i, 4, "id=\"") == 0;
    if (!ref && !def) {
      out += svg[i++];
      continue;
    }
    const size_t start = i + (ref ? 1 : 4);
    out.append(svg, i, start - i);
    i = start;
    for (const char* prefix : kPrefixes) {
      const size_t len = std::strlen(prefix);
      if (svg.compare(i, len, prefix) != 0) continue;
      size_t end = i + len;
      while (end < svg.size() && std::isdigit(static_cast<unsigned char>(svg[end]))) ++end;
      if (end == i + len || (end < svg.size() && (std::isalnum(static_cast<unsigned char>(svg[end])) || svg[end] == '-')))
        continue;
      auto& numbers = seen[prefix];
      const auto it = numbers.try_emplace(svg.substr(i + len, end - i - len), static_cast<int>(numbers.size())).first;
      out += prefix + std::to_string(it->second);
      i = end;
      break;
    }
  }
  return out;
}

constexpr const char* kSvgMetadataOpen = "<metadata id=\"attnscope-source\">";

}  // namespace

std::string encode_svg(const Figure& figure, const std::string& source) {
  std::string out;
  {
    const CairoSurface surface =
        cairo_surface_owned(cairo_svg_surface_create_for_stream(append_bytes, &out, figure.width, figure.height));
    cairo_svg_surface_set_document_unit(surface.get(), CAIRO_SVG_UNIT_PT);
    finish(surface, figure, "svg", {.prescale_rasters = true});
  }
  // Cairo's SVG writer has no metadata call and gives embedded images no rendering hint, so
  // both go in right after the root element opens. `pixelated` keeps large matrices sharp in
  // browsers; the pre-scaled raster covers viewers that ignore it.
  const size_t root = out.find("<svg");
  const size_t open_end = root == std::string::npos ? root : out.find('>', root);
  if (open_end == std::string::npos) throw std::runtime_error("svg: cairo wrote no <svg> element");
  std::string head = std::string("\n<title>") + xml_escape(figure.title) + "</title>\n" + kSvgMetadataOpen +
                     xml_escape(source) + "</metadata>\n" +
                     "<style>image { image-rendering: optimizeSpeed; image-rendering: pixelated; }</style>";
  out.insert(open_end + 1, head);
  return svg_renumber_ids(out);
}

std::string svg_source(const std::string& bytes) {
  const size_t begin = bytes.find(kSvgMetadataOpen);
  if (begin == std::string::npos) return "";
  const size_t start = begin + std::string(kSvgMetadataOpen).size();
  const size_t end = bytes.find("</metadata>", start);
  if (end == std::string::npos) return "";
  return xml_unescape(bytes.substr(start, end - start));
}

std::string encode_pdf(const Figure& figure, const std::string& source) { return encode_pdf_pages({figure}, source); }

std::string encode_pdf_pages(const std::vector<Figure>& pages, const std::string& source) {
  if (pages.empty()) throw std::runtime_error("pdf: a document needs a page");
  const Figure& figure = pages.front();
  std::string out;
  {
    const CairoSurface surface =
        cairo_surface_owned(cairo_pdf_surface_create_for_stream(append_bytes, &out, figure.width, figure.height));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, figure.title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "attnscope");
    // Cairo 1.16 has no custom metadata keys; Keywords carries the source and survives every
    // PDF tool that keeps the document information dictionary.
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_KEYWORDS, source.c_str());
    // A fixed date instead of "now": the same scene and options give byte-identical files.
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    // Every page but the last is shown here; finish() draws the last and closes the document.
    for (size_t i = 0; i + 1 < pages.size(); ++i) {
      cairo_pdf_surface_set_size(surface.get(), pages[i].width, pages[i].height);
      const CairoContext cr = cairo_context_owned(cairo_create(surface.get()));
      render_figure(cr.get(), pages[i], {});
      cairo_show_page(cr.get());
      if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error(std::string("pdf: cairo failed: ") + cairo_status_to_string(cairo_status(cr.get())));
    }
    cairo_pdf_surface_set_size(surface.get(), pages.back().width, pages.back().height);
    finish(surface, pages.back(), "pdf", {});
  }
  return out;
}

namespace {

// Cairo writes some metadata strings as UTF-16BE hex, <FEFF0041...>, instead of (literals).
std::string pdf_hex_utf16(const std::string& hex) {
  std::vector<unsigned> units;
  for (size_t i = 0; i + 4 <= hex.size(); i += 4) units.push_back(std::stoul(hex.substr(i, 4), nullptr, 16));
  std::string out;
  for (size_t i = units.empty() || units[0] != 0xFEFF ? 0 : 1; i < units.size(); ++i) {
    unsigned c = units[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < units.size()) c = 0x10000 + ((c - 0xD800) << 10) + (units[++i] - 0xDC00);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6)), out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12)), out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18)), out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)), out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

std::string pdf_source(const std::string& bytes) {
  const std::string hex_key = "/Keywords <";
  if (const size_t hex = bytes.find(hex_key); hex != std::string::npos) {
    const size_t end = bytes.find('>', hex);
    if (end == std::string::npos) return "";
    std::string digits;
    for (size_t i = hex + hex_key.size(); i < end; ++i)
      if (std::isxdigit(static_cast<unsigned char>(bytes[i]))) digits += bytes[i];
    return pdf_hex_utf16(digits);
  }
  const std::string key = "/Keywords (";
  const size_t begin = bytes.find(key);
  if (begin == std::string::npos) return "";
  // A PDF literal string: balanced parentheses, backslash escapes.
  std::string out;
  int depth = 1;
  for (size_t i = begin + key.size(); i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\\' && i + 1 < bytes.size()) {
      const char e = bytes[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '\n': break;  // line continuation
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int d = 0; d < 2 && i + 1 < bytes.size() && bytes[i + 1] >= '0' && bytes[i + 1] <= '7'; ++d)
              v = v * 8 + (bytes[++i] - '0');
            out += static_cast<char>(v);
          } else {
            out += e;
          }
      }
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return out;
    out += c;
  }
  return "";
}

}  // namespace attnscope::figure
