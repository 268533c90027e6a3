#include "core/figure/render_cairo.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <type_traits>

#include "core/base/progress_scope.hpp"
#include "core/figure/text_metrics.hpp"

namespace attnscope::figure {

namespace {

void set_color(cairo_t* cr, Rgb8 c) { cairo_set_source_rgb(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0); }

void set_crisp(cairo_t* cr, bool crisp) {
  cairo_set_antialias(cr, crisp ? CAIRO_ANTIALIAS_NONE : CAIRO_ANTIALIAS_DEFAULT);
}

void draw(cairo_t* cr, const FillBoxes& item) {
  set_crisp(cr, item.crisp);
  set_color(cr, item.color);
  for (const Box& b : item.boxes) cairo_rectangle(cr, b.x, b.y, b.w, b.h);
  cairo_fill(cr);
}

void draw(cairo_t* cr, const StrokeSegments& item) {
  set_crisp(cr, item.crisp);
  set_color(cr, item.color);
  cairo_set_line_width(cr, item.width);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  for (const Segment& s : item.segments) {
    cairo_move_to(cr, s.x0, s.y0);
    cairo_line_to(cr, s.x1, s.y1);
  }
  cairo_stroke(cr);
}

void draw(cairo_t* cr, const StrokeBoxes& item) {
  set_crisp(cr, item.crisp);
  set_color(cr, item.color);
  cairo_set_line_width(cr, item.width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  for (const Box& b : item.boxes) cairo_rectangle(cr, b.x, b.y, b.w, b.h);
  cairo_stroke(cr);
}

void draw(cairo_t* cr, const Text& item) {
  set_crisp(cr, false);
  cairo_select_font_face(cr, item.mono ? kFontMono : kFontSans, CAIRO_FONT_SLANT_NORMAL,
                         item.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, item.size);
  double dx = 0;
  if (item.align != Align::Left) {
    const double w = text_width(item.text, item.size, item.bold, item.mono);
    dx = item.align == Align::Center ? -w / 2 : -w;
  }
  // Fixed fractions of the em (DejaVu's cap height is 0.73 em) rather than per-string extents,
  // so labels of one row share a baseline.
  const double dy = item.anchor == Anchor::Middle ? 0.36 * item.size
                    : item.anchor == Anchor::Top  ? 0.76 * item.size
                                                  : 0.0;
  cairo_save(cr);
  cairo_translate(cr, item.x, item.y);
  if (item.vertical) cairo_rotate(cr, -std::numbers::pi / 2);
  cairo_move_to(cr, dx, dy);
  set_color(cr, item.color);
  cairo_show_text(cr, item.text.c_str());
  cairo_new_path(cr);
  cairo_restore(cr);
}

void draw(cairo_t* cr, const Raster& item, const RenderOptions& options) {
  const int f = options.prescale_rasters ? std::clamp(1024 / std::max(item.cols, item.rows), 1, 8) : 1;
  const int cols = item.cols * f, rows = item.rows * f;
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, cols, rows);
  cairo_surface_flush(image);
  unsigned char* data = cairo_image_surface_get_data(image);
  const int stride = cairo_image_surface_get_stride(image);
  // Row by row, with no division per pixel (a million-cell raster spent most of a PNG figure's
  // drawing time dividing by f = 1); a pixel per cell is a plain loop the compiler vectorises.
  for (int r = 0; r < rows; ++r) {
    auto* row = reinterpret_cast<uint32_t*>(data + static_cast<size_t>(r) * stride);
    const Rgb8* cells = item.pixels.data() + static_cast<size_t>(r / f) * item.cols;
    auto pixel = [&](int c) {
      return 0xFF000000u | (uint32_t{cells[c].r} << 16) | (uint32_t{cells[c].g} << 8) | cells[c].b;
    };
    if (f == 1)
      for (int c = 0; c < item.cols; ++c) row[c] = pixel(c);
    else
      for (int c = 0; c < item.cols; ++c, row += f) std::fill_n(row, f, pixel(c));
  }
  cairo_surface_mark_dirty(image);
  cairo_save(cr);
  set_crisp(cr, true);
  cairo_rectangle(cr, item.box.x, item.box.y, item.box.w, item.box.h);
  cairo_clip(cr);
  cairo_translate(cr, item.box.x, item.box.y);
  cairo_scale(cr, item.box.w / cols, item.box.h / rows);
  cairo_set_source_surface(cr, image, 0, 0);
  // One pixel per cell: interpolation would blur cell boundaries into colours that mean nothing.
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
  cairo_surface_destroy(image);
}

}  // namespace

void render_figure(cairo_t* cr, const Figure& figure, const RenderOptions& options) {
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);

  // paint, not a page-sized rectangle: a raster whose height rounds up to a partly covered last
  // row would otherwise show a dark line along the bottom.
  set_color(cr, figure.background);
  cairo_paint(cr);
  for (size_t i = 0; i < figure.items.size(); ++i) {
    progress_report(static_cast<int64_t>(i), static_cast<int64_t>(figure.items.size()));
    const Item& item = figure.items[i];
    std::visit(
        [&](const auto& x) {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, Raster>) draw(cr, x, options);
          else draw(cr, x);
        },
        item);
  }
}

}  // namespace attnscope::figure
