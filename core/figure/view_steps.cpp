// The storyboard: every step of the trace as a small panel with its token layout and caption,
// read left to right, top to bottom.
#include <fmt/format.h>

#include <algorithm>

#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/token_grid.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/step_caption.hpp"

namespace attnscope::figure {

namespace {

// Draws one panel at (x, y) and returns its bottom.
double draw_step_panel(Figure& fig, const Style& st, const Analysis& a, const FigureOptions& o, int k,
                       double x, double y, double width) {
  const Step& step = a.trace().steps[k];
  fig.items.push_back(Text{x, y, step_number_short(k, step.name), st.label, st.theme.text,
                           Align::Left, Anchor::Top, true});
  y += st.label * 1.5;
  TokenGridOptions grid;
  grid.batch = o.batch;
  grid.max_cell = st.label * 2.2;
  grid.position_ticks = false;
  // Provenance labels only while the strips stay short enough to read them.
  Style small = st;
  small.label = st.tick;  // head names in step with the small strips
  y = draw_token_grid(fig, small, step, x, y, width, grid);
  const StepText text = step_text(a, k);
  for (const std::string& line : text_wrap(text.caption, st.tick, width)) {
    fig.items.push_back(Text{x, y + st.tick * 0.2, line, st.tick, st.theme.text, Align::Left, Anchor::Top});
    y += st.tick * 1.3;
  }
  if (!text.why.empty()) {
    y += st.tick * 0.2;
    for (const std::string& line : text_wrap("why: " + text.why, st.tick * 0.92, width)) {
      fig.items.push_back(Text{x, y + st.tick * 0.2, line, st.tick * 0.92, st.theme.axis, Align::Left, Anchor::Top});
      y += st.tick * 1.2;
    }
  }
  return y;
}

}  // namespace

Figure view_steps(const Analysis& a, const FigureOptions& o) {
  heads_selected(a, o);
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  fig.title = figure_title(a, o, "the computation step by step");
  double y = draw_title(fig, st, st.margin, fig.title, scene_summary(a));
  const int count = static_cast<int>(a.trace().steps.size());
  const int cols = st.width < 300 ? 2 : st.width < 600 ? 3 : 4;
  const double width = (st.width - 2 * st.margin - (cols - 1) * st.gap) / cols;
  for (int row = 0; row * cols < count; ++row) {
    double bottom = y;
    for (int c = 0; c < cols && row * cols + c < count; ++c)
      bottom = std::max(bottom, draw_step_panel(fig, st, a, o, row * cols + c,
                                                st.margin + c * (width + st.gap), y, width));
    y = bottom + st.gap;
  }
  const Step* marked = nullptr;
  for (const Step& s : a.trace().steps)
    if (!marked && !s.marked.empty()) marked = &s;
  const std::vector<LegendEntry> legend = token_color_legend(a, marked, st.theme.text);
  const double text_w = st.width - 2 * st.margin;
  y = draw_legend(fig, st, st.margin, y, text_w, legend);
  y = draw_caption(fig, st, st.margin, y, text_w,
                   "Each strip is one head; each cell a memory position showing the original token it "
                   "holds; gaps separate groups. " + figure_caption(a, o));
  fig.height = y + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

}  // namespace attnscope::figure
