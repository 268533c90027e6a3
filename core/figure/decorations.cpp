#include "core/figure/decorations.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/figure/text_metrics.hpp"

namespace attnscope::figure {

Figure figure_page(const Style& style) {
  Figure fig;
  fig.width = style.width;
  fig.background = style.theme.background;
  return fig;
}

double draw_title(Figure& fig, const Style& style, double y, const std::string& title,
                  const std::string& subtitle) {
  const double x = style.margin, width = style.width - 2 * style.margin;
  for (const std::string& line : text_wrap(title, style.title, width)) {
    fig.items.push_back(Text{x, y, line, style.title, style.theme.text, Align::Left, Anchor::Top, true});
    y += style.title * 1.3;
  }
  if (!subtitle.empty()) {
    for (const std::string& line : text_wrap_items(subtitle, " \u00b7 ", style.label, width)) {
      fig.items.push_back(Text{x, y, line, style.label, style.theme.axis, Align::Left, Anchor::Top});
      y += style.label * 1.3;
    }
  }
  return y + style.label * 0.6;
}

double draw_legend(Figure& fig, const Style& style, double x0, double y, double width,
                   const std::vector<LegendEntry>& entries) {
  if (entries.empty()) return y;
  const double size = style.label, box = size * 1.1, row = size * 1.7;
  double x = x0;
  for (const LegendEntry& e : entries) {
    // A label wider than the legend (a narrow column beside a slide's panels) wraps under itself.
    const double text_x = box + size * 0.4;
    const std::vector<std::string> lines = text_wrap(e.label, size, std::max(width - text_x, size * 4));
    double widest = 0;
    for (const std::string& line : lines) widest = std::max(widest, text_width(line, size));
    const double w = text_x + widest + size * 1.4;
    if (x > x0 && x + w > x0 + width) x = x0, y += row;
    const Box sw{x, y, box, box};
    switch (e.kind) {
      case LegendEntry::Kind::Swatch:
        fig.items.push_back(FillBoxes{e.color, {sw}, false});
        fig.items.push_back(StrokeBoxes{style.theme.axis, style.line * 0.6, {sw}});
        break;
      case LegendEntry::Kind::Leak: {
        const double lw = std::max(0.6, box * 0.1), in = box * 0.22;
        fig.items.push_back(FillBoxes{style.theme.masked, {sw}, false});
        fig.items.push_back(StrokeBoxes{e.color, lw, {{sw.x + lw / 2, sw.y + lw / 2, box - lw, box - lw}}});
        fig.items.push_back(StrokeSegments{e.color, lw,
                                           {{sw.x + in, sw.y + in, sw.x + box - in, sw.y + box - in},
                                            {sw.x + box - in, sw.y + in, sw.x + in, sw.y + box - in}}});
        break;
      }
      case LegendEntry::Kind::Line:
        fig.items.push_back(FillBoxes{style.theme.masked, {sw}, false});
        fig.items.push_back(StrokeSegments{e.color, 1.2, {{sw.x + box / 2, sw.y, sw.x + box / 2, sw.y + box},
                                                          {sw.x, sw.y + box / 2, sw.x + box, sw.y + box / 2}}});
        break;
      case LegendEntry::Kind::Outline:
        fig.items.push_back(FillBoxes{style.theme.masked, {sw}, false});
        fig.items.push_back(StrokeBoxes{e.color, std::max(1.0, box * 0.15), {sw}});
        break;
      case LegendEntry::Kind::Hatch:
        fig.items.push_back(FillBoxes{style.theme.masked, {sw}, false});
        fig.items.push_back(hatch_box(sw, box / 3, e.color, 0.5));
        fig.items.push_back(StrokeBoxes{style.theme.axis, style.line * 0.6, {sw}});
        break;
    }
    for (size_t i = 0; i < lines.size(); ++i)
      fig.items.push_back(Text{x + text_x, y + box / 2 + i * size * 1.3, lines[i], size, style.theme.text,
                               Align::Left, Anchor::Middle});
    x += w;
    // The next entry starts below every line of a wrapped one.
    if (lines.size() > 1) x = x0 + width, y += (lines.size() - 1) * size * 1.3;
  }
  return y + row;
}

namespace {

std::string colorbar_value(const WeightScale& scale, int i) {
  const double value_at = scale.signed_values ? scale.vmax * (i - 2) / 2.0 : scale.vmax * i / 4.0;
  // A typographic minus, as every other negative number in the figures.
  const std::string value = value_at < 0 ? "\u2212" + fmt::format("{:.2g}", -value_at) : fmt::format("{:.2g}", value_at);
  return i == 4 && scale.clipped ? "\u2265" + value : value;
}

// Room for the tick labels: at least that of "≥0.25", more for small weights ("0.00024").
double colorbar_labels_width(const Style& style, const WeightScale& scale) {
  double widest = style.tick * 2.6;
  for (int i = 0; i <= 4; ++i) widest = std::max(widest, text_width(colorbar_value(scale, i), style.tick));
  return widest;
}

}  // namespace

double colorbar_width(const Style& style, const WeightScale& scale) {
  return style.gap + style.label * 1.0 + style.tick * 0.6 + colorbar_labels_width(style, scale) + style.label * 1.6;
}

void draw_colorbar(Figure& fig, const Style& style, const Box& bar, const WeightScale& scale,
                   const std::string& label) {
  Raster ramp{bar, 1, 256, {}};
  const auto& table = scale.table(style.colormap);
  for (int i = 255; i >= 0; --i) ramp.pixels.push_back(table[i]);  // top of the bar is vmax
  fig.items.push_back(std::move(ramp));
  fig.items.push_back(StrokeBoxes{style.theme.axis, style.line * 0.8, {bar}});
  StrokeSegments ticks{style.theme.axis, style.line, {}};
  for (int i = 0; i <= 4; ++i) {
    const double y = bar.y + bar.h * (1 - i / 4.0);
    ticks.segments.push_back({bar.x + bar.w, y, bar.x + bar.w + style.tick * 0.35, y});
    fig.items.push_back(Text{bar.x + bar.w + style.tick * 0.6, y, colorbar_value(scale, i), style.tick,
                             style.theme.text, Align::Left, Anchor::Middle});
  }
  fig.items.push_back(std::move(ticks));
  const double label_x = bar.x + bar.w + style.tick * 0.8 + colorbar_labels_width(style, scale) + style.label * 0.2;
  fig.items.push_back(Text{label_x, bar.y + bar.h / 2, label, style.label, style.theme.text, Align::Center,
                           Anchor::Top, false, false, true});
}

double draw_table(Figure& fig, const Style& st, double x0, double y,
                  const std::vector<std::vector<std::string>>& rows) {
  const double size = st.tick * 1.1, pad = size * 1.6;
  std::vector<double> widths(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) widths[c] = std::max(widths[c], text_width(r[c], size, true));
  for (size_t i = 0; i < rows.size(); ++i) {
    double x = x0;
    for (size_t c = 0; c < rows[i].size(); ++c) {
      const bool left = c == 0;
      fig.items.push_back(Text{left ? x : x + widths[c], y, rows[i][c], size, st.theme.text,
                               left ? Align::Left : Align::Right, Anchor::Top, i == 0});
      x += widths[c] + pad;
    }
    y += size * 1.45;
    if (i == 0)
      fig.items.push_back(StrokeSegments{st.theme.axis, st.line * 0.7, {{x0, y - size * 0.2, x - pad, y - size * 0.2}}});
  }
  return y;
}

void figure_close(Figure& fig, const Style& st, double y, const std::string& explanation,
                  const std::string& caption) {
  const double width = st.width - 2 * st.margin;
  y = draw_caption(fig, st, st.margin, y, width, explanation);
  y = draw_caption(fig, st, st.margin, y + st.gap * 0.4, width, caption);
  fig.height = y + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
}

double draw_caption(Figure& fig, const Style& style, double x, double y, double width,
                    const std::string& caption) {
  if (caption.empty()) return y;
  for (const std::string& line : text_wrap(caption, style.caption, width)) {
    fig.items.push_back(Text{x, y, line, style.caption, style.theme.text, Align::Left, Anchor::Top});
    y += style.caption * 1.35;
  }
  return y;
}

}  // namespace attnscope::figure
