#pragma once
// The key above the heatmaps for what they draw at the current step (`drawn`: how each shown head
// colours its cells, repeats named once): the pattern's outlines, the diverging score scale, the weight
// colormap, or the allowed cells whose values are not computed; then masked and leak cells. Its entries flow
// onto more lines when the panel is narrow, so none is ever cut.
#include "app/gui/view_context.hpp"
#include "core/presentation/compare.hpp"
#include "core/presentation/step_scores.hpp"

namespace attnscope {

float heatmap_legend_height(ViewContext& ctx, StepCells cells, const std::vector<CellsDrawn>& drawn, float width);
void heatmap_legend(ViewContext& ctx, StepCells cells, const std::vector<CellsDrawn>& drawn, float width);

// The compare view's key: the colours of A only, B only and both, with their cell counts (DiffCounts,
// app/gui/heatmap_image.hpp); without counts (null: a job is still counting them) the colours alone.
float diff_legend_height(ViewContext& ctx, const DiffCounts* counts, float width);
void diff_legend(ViewContext& ctx, const DiffCounts* counts, float width);

}  // namespace attnscope
