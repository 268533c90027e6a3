// The tokens view (one step's token layout) and the step animation built from it.
#include <fmt/format.h>

#include <algorithm>

#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/token_grid.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/step_caption.hpp"

namespace attnscope::figure {

namespace {

std::string shape_text(const Step& step) {
  std::string dims, axes;
  for (size_t i = 0; i < step.shape.size(); ++i) {
    dims += (i ? ", " : "") + std::to_string(step.shape[i]);
    if (i < step.axes.size()) axes += (i ? ", " : "") + step.axes[i];
  }
  return fmt::format("shape ({}) over ({})", dims, axes);
}

// `from`/`t`: an in-between frame of the animation from step `from` to step k.
Figure tokens_figure(const Analysis& a, const FigureOptions& o, int k, int reserve_gaps,
                     const Step* from = nullptr, double t = 1) {
  const Style st = style_for(o);
  const auto& steps = a.trace().steps;
  const Step& step = steps[k];
  Figure fig = figure_page(st);
  fig.title = figure_title(a, o, "token layout step by step");
  double y = draw_title(fig, st, st.margin, fig.title, scene_summary(a));
  const double width = st.width - 2 * st.margin;

  fig.items.push_back(Text{st.margin, y, step_number_text(k, static_cast<int>(steps.size())) + " \u00b7 " + step.name,
                           st.label * 1.15, st.theme.text, Align::Left, Anchor::Top, true});
  y += st.label * 1.6;
  fig.items.push_back(Text{st.margin, y, shape_text(step), st.tick, st.theme.axis, Align::Left, Anchor::Top});
  y += st.tick * 1.5;
  TokenGridOptions grid;
  grid.batch = std::clamp(o.batch, 0, a.scene.batch - 1);
  grid.reserve_gaps = reserve_gaps;
  grid.from = from;
  grid.t = t;
  grid.max_cell = st.label * 3;
  y = draw_token_grid(fig, st, step, st.margin, y + st.label * 0.4, width, grid);
  fig.items.push_back(Text{st.margin, y + st.tick * 0.3,
                           "each cell is one memory position and shows the original token it holds; "
                           "gaps separate groups",
                           st.tick, st.theme.axis, Align::Left, Anchor::Top});
  y += st.tick * 1.8;
  y = draw_legend(fig, st, st.margin, y, width, token_color_legend(a, &step, st.theme.text));

  const StepText text = step_text(a, k);
  y = draw_caption(fig, st, st.margin, y + st.label * 0.3, width, text.caption);
  if (!text.why.empty()) {
    Style why = st;
    why.theme.text = st.theme.axis;
    y = draw_caption(fig, why, st.margin, y + st.label * 0.2, width, "Why: " + text.why);
  }
  if (!step.code.empty())
    for (const std::string& line : text_wrap(step.code, st.tick, width, true)) {
      fig.items.push_back(Text{st.margin, y + st.tick * 0.3, line, st.tick, st.theme.axis, Align::Left,
                               Anchor::Top, false, true});
      y += st.tick * 1.4;
    }
  y = draw_caption(fig, st, st.margin, y + st.label * 0.5, width, figure_caption(a, o));
  fig.height = y + st.margin;
  return fig;
}

void check_step(const Analysis& a, int k) {
  const int count = static_cast<int>(a.trace().steps.size());
  if (k < 0 || k >= count)
    throw SceneError(fmt::format("step: {} is not a step of this trace; use 0..{}", k, count - 1));
}

}  // namespace

Figure view_tokens(const Analysis& a, const FigureOptions& o, int k) {
  check_step(a, k);
  heads_selected(a, o);  // validates the batch
  Figure fig = tokens_figure(a, o, k, -1);
  const Style st = style_for(o);
  if (st.height > 0) figure_fit(fig, st.height);
  return fig;
}

std::vector<TimedFigure> view_step_frames(const Analysis& a, const FigureOptions& o) {
  heads_selected(a, o);
  const auto& steps = a.trace().steps;
  int gaps = 0;
  for (const Step& s : steps) gaps = std::max(gaps, token_grid_gaps(s, o.batch));
  std::vector<TimedFigure> frames;
  double height = 0;
  constexpr int kTweenMs = 60;
  for (size_t k = 0; k < steps.size(); ++k) {
    // Hold the first and last frame and every step that moves tokens, so a viewer can follow;
    // slide the moving tokens there through a few in-between frames.
    const bool moved = k > 0 && (steps[k].tokens != steps[k - 1].tokens || steps[k].groups != steps[k - 1].groups);
    const bool key = k == 0 || k + 1 == steps.size() || moved;
    const int kk = static_cast<int>(k);
    if (moved)
      for (int i = 1; i <= o.gif_tween_frames; ++i)
        frames.push_back({tokens_figure(a, o, kk, gaps, &steps[k - 1], double(i) / (o.gif_tween_frames + 1)), kTweenMs});
    frames.push_back({tokens_figure(a, o, kk, gaps), key ? o.gif_hold_ms : o.gif_frame_ms});
  }
  for (const TimedFigure& f : frames) height = std::max(height, f.figure.height);
  // Every GIF frame has the size of the tallest one.
  const Style st = style_for(o);
  for (TimedFigure& f : frames) {
    f.figure.height = height;
    if (st.height > 0) figure_fit(f.figure, st.height);
  }
  return frames;
}

}  // namespace attnscope::figure
