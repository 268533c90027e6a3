#pragma once
// A routed variant's selection step in a figure: the chosen query's candidate blocks or keys laid
// over its row of the matrix, as the GUI lays them (core/presentation/routed_row's rule).
#include <optional>
#include <vector>

#include "core/figure/decorations.hpp"
#include "core/figure/matrix_panel.hpp"
#include "core/presentation/routed_row.hpp"

namespace attnscope::figure {

// The row options.query (the last query by default) has at options.step for `head`; nothing at
// other steps or for other variants. Throws SceneError for a query outside the scene.
std::optional<RoutedRowView> routed_overlay_row(const Analysis& analysis, const FigureOptions& options, int head);

// Each unit as a box over the query's row (the part inside the panel's window), filled by the
// shared rule, outlined, with its label where the box is wide enough.
void routed_overlay_draw(Figure& fig, const Style& style, const MatrixGrid& grid, const RoutedRowView& row);

// A swatch per role the row shows (routed_marks_legend says what the labels' marks mean).
std::vector<LegendEntry> routed_overlay_legend(const Style& style, const RoutedRowView& row);

}  // namespace attnscope::figure
