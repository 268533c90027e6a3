#include "core/figure/routed_overlay.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/figure/text_metrics.hpp"
#include "core/scene/scene.hpp"

namespace attnscope::figure {

std::optional<RoutedRowView> routed_overlay_row(const Analysis& a, const FigureOptions& o, int head) {
  if (o.query < -1 || o.query >= a.n())
    throw SceneError(fmt::format("query: {} is not a query of this scene; use 0..{}", o.query, a.n() - 1));
  return routed_row_view(a, o.step, head, o.query < 0 ? a.n() - 1 : o.query);
}

void routed_overlay_draw(Figure& fig, const Style& st, const MatrixGrid& g, const RoutedRowView& row) {
  const int r = row.q - g.row0;
  if (r < 0 || r >= g.n) return;
  // A row thinner than a few points would hide the marks: the boxes keep a readable height,
  // centred on the row.
  const double h = std::max(g.cell, 4.0), y = g.y + (r + 0.5) * g.cell - h / 2;
  const double outline = std::max(st.line, std::min(h * 0.08, 1.5));
  StrokeBoxes thin{st.theme.text, st.line, {}, true}, thick{st.theme.text, outline, {}, true};
  std::vector<Text> labels;
  for (const RoutedUnit& u : row.units) {
    const int c0 = std::max(u.begin, g.col0) - g.col0, c1 = std::min(u.end, g.col0 + g.width()) - g.col0;
    if (c1 <= c0) continue;
    const Box box{g.x + c0 * g.cell, y, (c1 - c0) * g.cell, h};
    const Rgb8 fill = routed_unit_fill(row, u, st.theme);
    fig.items.push_back(FillBoxes{fill, {box}});
    (u.role == RoutedRole::Scored ? thin : thick).boxes.push_back(box);
    const double size = std::min(st.tick, h * 0.7);
    for (bool brief : {false, true}) {
      const std::string label = routed_unit_label(u, brief);
      if (text_width(label, size, false, true) + 2 > box.w) continue;
      labels.push_back(Text{box.x + box.w / 2, box.y + box.h / 2, label, size, text_color_on(fill), Align::Center,
                            Anchor::Middle, false, true});
      break;
    }
  }
  fig.items.push_back(std::move(thin));
  fig.items.push_back(std::move(thick));
  for (Text& t : labels) fig.items.push_back(std::move(t));
}

std::vector<LegendEntry> routed_overlay_legend(const Style& st, const RoutedRowView& row) {
  std::vector<RoutedRole> roles;
  for (const RoutedUnit& u : row.units)
    if (std::find(roles.begin(), roles.end(), u.role) == roles.end()) roles.push_back(u.role);
  std::sort(roles.begin(), roles.end());
  std::vector<LegendEntry> out;
  for (RoutedRole role : roles) out.push_back({LegendEntry::Kind::Swatch, routed_role_color(role, st.theme), routed_role_name(role)});
  return out;
}

}  // namespace attnscope::figure
