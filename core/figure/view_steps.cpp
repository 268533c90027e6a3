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

constexpr const char* kStoryboardWhat = "the computation step by step";

// A panel's token strips: small cells, no position ticks, head names in step with them.
TokenGridOptions panel_grid_options(const Style& st, const FigureOptions& o) {
  TokenGridOptions grid;
  grid.batch = o.batch;
  grid.max_cell = st.label * 2.2;
  grid.position_ticks = false;
  return grid;
}

Style panel_grid_style(const Style& st) {
  Style small = st;
  small.label = st.tick;
  return small;
}

// Draws one panel at (x, y) and returns its bottom.
double draw_step_panel(Figure& fig, const Style& st, const Analysis& a, const FigureOptions& o, int k,
                       double x, double y, double width) {
  const Step& step = a.trace().steps[k];
  fig.items.push_back(Text{x, y, step_number_short(k, step.name), st.label, st.theme.text,
                           Align::Left, Anchor::Top, true});
  y += st.label * 1.5;
  y = draw_token_grid(fig, panel_grid_style(st), step, x, y, width, panel_grid_options(st, o));
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


const Step* first_marked_step(const Analysis& a) {
  for (const Step& s : a.trace().steps)
    if (!s.marked.empty()) return &s;
  return nullptr;
}

std::string storyboard_caption(const Analysis& a, const FigureOptions& o) {
  return "Each strip is one head; each cell a memory position showing the original token it holds; gaps "
         "separate groups. " + figure_caption(a, o);
}

}  // namespace

Figure view_steps(const Analysis& a, const FigureOptions& o) {
  heads_selected(a, o);
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  fig.title = figure_title(a, o, kStoryboardWhat);
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
  const std::vector<LegendEntry> legend = token_color_legend(a, first_marked_step(a), st.theme.text);
  const double text_w = st.width - 2 * st.margin;
  y = draw_legend(fig, st, st.margin, y, text_w, legend);
  y = draw_caption(fig, st, st.margin, y, text_w, storyboard_caption(a, o));
  fig.height = y + st.margin;
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

std::vector<DeckPage> view_steps_slides(const Analysis& a, const FigureOptions& o) {
  heads_selected(a, o);
  FigureOptions slide = o;
  slide.view = FigureView::Steps;
  slide.size = FigureSize::Slide;
  const Style st = style_for(slide);
  const auto& steps = a.trace().steps;
  const int count = static_cast<int>(steps.size());
  const double text_w = st.width - 2 * st.margin;
  // Two panels a row while every step's token numbers stay readable at half the width, else one.
  const Style grid_style = panel_grid_style(st);
  const TokenGridOptions grid = panel_grid_options(st, slide);
  const double half = (text_w - st.gap) / 2;
  const bool two = std::all_of(steps.begin(), steps.end(), [&](const Step& step) {
    return token_grid_number_size(grid_style, token_grid_cell(grid_style, step, half, grid)) >= st.min_text;
  });
  const int cols = two ? 2 : 1;
  const double width = two ? half : text_w;
  const std::string title = figure_title(a, slide, kStoryboardWhat);
  const std::vector<LegendEntry> legend = token_color_legend(a, first_marked_step(a), st.theme.text);
  const double top = measure_height([&](Figure& f, double y0) { return draw_title(f, st, y0 + st.margin, title, scene_summary(a)); });
  const double footer = measure_height([&](Figure& f, double y0) { return draw_legend(f, st, 0, y0, text_w, legend); });
  std::vector<double> heights;
  for (int k = 0; k < count; ++k)
    heights.push_back(measure_height([&](Figure& f, double y0) { return draw_step_panel(f, st, a, slide, k, 0, y0, width); }));
  // Whole rows of panels fill a page as far as its height allows; the next row starts a page.
  std::vector<DeckPage> pages;
  for (int first = 0; first < count;) {
    double y = top;
    int end = first;
    while (end < count) {
      double row = 0;
      for (int k = end; k < std::min(end + cols, count); ++k) row = std::max(row, heights[k]);
      if (end > first && y + row + footer > st.height - st.margin) break;
      y += row + st.gap;
      end = std::min(end + cols, count);
    }
    Figure fig = figure_page(st);
    fig.title = title;
    double at = draw_title(fig, st, st.margin, title, scene_summary(a));
    for (int k = first; k < end; k += cols) {
      double bottom = at;
      for (int c = 0; c < cols && k + c < end; ++c)
        bottom = std::max(bottom, draw_step_panel(fig, st, a, slide, k + c, st.margin + c * (width + st.gap), at, width));
      at = bottom + st.gap;
    }
    at = draw_legend(fig, st, st.margin, at, text_w, legend);
    // The explanation on the last page, where there is room for it.
    const std::string caption = storyboard_caption(a, slide);
    const double caption_h = measure_height([&](Figure& f, double y0) { return draw_caption(f, st, 0, y0, text_w, caption); });
    if (end == count && at + caption_h <= st.height - st.margin) at = draw_caption(fig, st, st.margin, at, text_w, caption);
    fig.height = at + st.margin;
    figure_fit(fig, st.height);
    pages.push_back({end - first == 1 ? fmt::format("step-{:02}", first)
                                      : fmt::format("steps-{:02}-to-{:02}", first, end - 1),
                     std::move(fig)});
    first = end;
  }
  return pages;
}

}  // namespace attnscope::figure
