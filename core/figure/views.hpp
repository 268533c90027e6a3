#pragma once
// One function per figure view; each turns an Analysis into a Figure.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/figure/figure.hpp"
#include "core/figure/matrix_panel.hpp"
#include "core/figure/model.hpp"
#include "core/figure/style.hpp"
#include "core/presentation/step_scores.hpp"

namespace attnscope::figure {

Figure view_heatmap(const Analysis& analysis, const FigureOptions& options);
Figure view_compare(const Analysis& analysis, const FigureOptions& options,
                    const ComparedAnalyses& compared = {});
Figure view_steps(const Analysis& analysis, const FigureOptions& options);
Figure view_tokens(const Analysis& analysis, const FigureOptions& options, int step);
Figure view_cost(const Analysis& analysis, const FigureOptions& options);
Figure view_symmetry(const Analysis& analysis, const FigureOptions& options);
Figure view_wrapped(const Analysis& analysis, const FigureOptions& options);
Figure view_next_token(const Analysis& analysis, const FigureOptions& options);
// A model stack (scene.stack): every layer's mask and the receptive field through them.
Figure view_stack(const Analysis& analysis, const FigureOptions& options);
// A training run of the lab (`attnscope train --json`): loss curves and per-position losses.
Figure view_lab(const LabResult& result, const FigureOptions& options);

// The frames of the step animation (GIF), each with its display time in milliseconds.
struct TimedFigure {
  Figure figure;
  int delay_ms = 0;
};
std::vector<TimedFigure> view_step_frames(const Analysis& analysis, const FigureOptions& options);

// The lesson as a slide deck (16:9, projector type): one page per step of the trace, then the
// leaking head at the mask step, the wrapped group, the ±G/2 symmetry, the cost and the next-token
// reach, each page the same figure the other views draw. `name` names a page's PNG file.
struct DeckPage {
  std::string name;  // "step-02-roll", "leak", ...
  Figure figure;
};
std::vector<DeckPage> view_lesson(const Analysis& analysis, const FigureOptions& options);
// The storyboard as slides: whole rows of step panels fill each 16:9 page, type never shrunk.
std::vector<DeckPage> view_steps_slides(const Analysis& analysis, const FigureOptions& options);
// The compare view as slides: one page per head and compared variant (the scene's variant, the
// other one and their difference).
std::vector<DeckPage> view_compare_slides(const Analysis& analysis, const FigureOptions& options,
                                          const ComparedAnalyses& compared = {});
// The pages of a deck (figure_is_deck): the lesson, or a view's slides.
std::vector<DeckPage> view_deck(const Analysis& analysis, const FigureOptions& options,
                                const ComparedAnalyses& compared = {});

// Shared by the views.
std::vector<int> heads_selected(const Analysis& analysis, const FigureOptions& options);
// "s2 · N=16 · H=2 · G=4 · shift −2 · causal policy · seed 0": enough to reproduce the figure.
std::string scene_summary(const Analysis& analysis);
// A shift with its sign always written, typographic minus: "−2", "+2" (torch.roll's sign).
std::string shift_text(int shift);
std::string figure_title(const Analysis& analysis, const FigureOptions& options, const std::string& what);
std::string figure_caption(const Analysis& analysis, const FigureOptions& options);
// What a heatmap figure shows, as the GUI shows it at options.step: the allowed cells before any
// score exists (and in a mask figure), then the raw scores, the masked scores, the weights;
// the weights when no step is asked for.
StepCells heatmap_cells(const Analysis& analysis, const FigureOptions& options);
// How a heatmap figure colours those cells, by the screen's rule (cells_drawn): the values when the
// analysis holds them or the figure computes them for its window, else the allowed cells alone.
CellsDrawn heatmap_drawn(const Analysis& analysis, const FigureOptions& options);
// What one head's panel shows, in the panel's own rows and columns: the whole matrix, or the
// window of options.rows × options.keys with its values computed for the window alone.
struct HeadCells {
  RowRuns mask, leaks;  // mask: the cells that have values (at the raw scores, every computed cell)
  RowRuns rows;  // the panel's rows with every key: a row that reads nothing is empty here
  // Weights or scores, aligned with mask's cells; empty for mask figures.
  const std::vector<float>& values() const { return stored ? *stored : computed; }
  const std::vector<float>* stored = nullptr;  // the analysis's own, for the whole matrix
  std::vector<float> computed;                 // a window's, or the raw scores of every computed cell
};
HeadCells head_cells(const Analysis& analysis, int head, const FigureOptions& options);
// Whether a line before one of `boundaries` falls inside the panel of `shape`.
bool shows_group_boundary(const MatrixGrid& shape, const std::vector<int>& boundaries);
// The panel shape of options' window (rows, columns, first tokens); checks it against N.
MatrixGrid window_shape(const Analysis& analysis, const FigureOptions& options);
// One head's matrix: weights (or the mask), rows that read nothing, boundaries, leaks, axes.
void matrix_draw_head(Figure& fig, const Style& style, const MatrixGrid& grid, const Analysis& analysis,
                      int head, const HeadCells& cells, const FigureOptions& options, const WeightScale& scale,
                      bool query_title);
// The step shown by the tokens view when none is asked for: the grouped layout, else the last.
int default_token_step(const Analysis& analysis);

}  // namespace attnscope::figure
