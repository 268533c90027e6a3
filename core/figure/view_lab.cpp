// The lab view: what a leak does to training (core/analysis/lab.hpp). Left, the loss over steps
// under the training mask and under full causal attention, with ln V dashed; right, each position's
// final loss under both, the positions that can read their own target after L layers marked.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/lab.hpp"
#include "core/base/digits.hpp"
#include "core/figure/decorations.hpp"
#include "core/figure/text_metrics.hpp"
#include "core/figure/views.hpp"

namespace attnscope::figure {

namespace {

const Rgb8 kTrainColor = category_color(4);  // blue
const Rgb8 kEvalColor = category_color(5);   // vermillion

// A plot box with its data ranges; maps data to points.
struct Plot {
  Box box;
  double x0 = 0, x1 = 1, y1 = 1;  // y from 0 (bottom) to y1 (top)
  double x(double v) const { return box.x + box.w * (v - x0) / (x1 - x0); }
  double y(double v) const { return box.y + box.h * (1 - std::clamp(v, 0.0, y1) / y1); }
};

void dashed(Figure& fig, Rgb8 color, double width, double x0, double x1, double y) {
  StrokeSegments s{color, width, {}};
  const double dash = 3, gap = 2;
  for (double x = x0; x < x1; x += dash + gap) s.segments.push_back({x, y, std::min(x + dash, x1), y});
  fig.items.push_back(std::move(s));
}

// Axes with loss ticks on the left.
void draw_axes(Figure& fig, const Style& st, const Plot& p, const std::string& title,
               const std::string& x_label) {
  fig.items.push_back(Text{p.box.x + p.box.w / 2, p.box.y - st.tick * 0.6, title, st.label, st.theme.text,
                           Align::Center, Anchor::Baseline, true});
  const double step = axis_tick_step(p.y1, 5);
  StrokeSegments grid{st.theme.masked, st.line * 0.6, {}};
  for (double v = 0; v <= p.y1 + 1e-9; v += step) {
    grid.segments.push_back({p.box.x, p.y(v), p.box.x + p.box.w, p.y(v)});
    fig.items.push_back(Text{p.box.x - st.tick * 0.4, p.y(v), axis_tick_text(v), st.tick, st.theme.text, Align::Right,
                             Anchor::Middle});
  }
  fig.items.push_back(std::move(grid));
  fig.items.push_back(StrokeBoxes{st.theme.axis, st.line, {p.box}});
  fig.items.push_back(Text{p.box.x - st.tick * 2.6, p.box.y + p.box.h / 2, "loss (nats)", st.tick, st.theme.text,
                           Align::Center, Anchor::Middle, false, false, true});
  fig.items.push_back(Text{p.box.x + p.box.w / 2, p.box.y + p.box.h + st.tick * 1.7, x_label, st.tick, st.theme.text,
                           Align::Center, Anchor::Top});
}

// The ln V line across the plot, drawn over its contents.
void draw_floor(Figure& fig, const Style& st, const Plot& p, double ln_v) {
  dashed(fig, st.theme.text, st.line * 1.4, p.box.x, p.box.x + p.box.w, p.y(ln_v));
  fig.items.push_back(Text{p.box.x + p.box.w - st.tick * 0.3, p.y(ln_v) - st.tick * 0.3, fmt::format("ln V = {:.2f}", ln_v),
                           st.tick, st.theme.text, Align::Right, Anchor::Baseline});
}

void draw_curves(Figure& fig, const Style& st, const LabResult& r, const Plot& p) {
  for (const auto& [color, eval] : {std::pair{kTrainColor, false}, std::pair{kEvalColor, true}}) {
    StrokeSegments line{color, st.line * 2.2, {}};
    for (size_t i = 1; i < r.curves.size(); ++i) {
      const LabCurvePoint &a = r.curves[i - 1], &b = r.curves[i];
      line.segments.push_back({p.x(a.step), p.y(eval ? a.eval_loss : a.train_loss), p.x(b.step),
                               p.y(eval ? b.eval_loss : b.train_loss)});
    }
    fig.items.push_back(std::move(line));
  }
  const double step = axis_tick_step(p.x1, 4);
  for (double v = 0; v <= p.x1 + 1e-9; v += step)
    fig.items.push_back(Text{p.x(v), p.box.y + p.box.h + st.tick * 0.3, axis_tick_text(v), st.tick, st.theme.text,
                             Align::Center, Anchor::Top});
}

void draw_bars(Figure& fig, const Style& st, const LabResult& r, const Plot& p) {
  const int positions = static_cast<int>(r.train_loss_per_position.size());
  const double slot = p.box.w / std::max(1, positions), bar = slot * 0.36;
  FillBoxes train{kTrainColor, {}, false}, eval{kEvalColor, {}, false};
  int every = 1;
  while (text_width(std::to_string(positions), st.tick) > slot * every * 0.9) every *= 2;
  for (int i = 0; i < positions; ++i) {
    const double left = p.box.x + i * slot + slot * 0.14;
    const double t = r.train_loss_per_position[i], e = r.eval_full_causal_loss_per_position[i];
    train.boxes.push_back({left, p.y(t), bar, p.y(0) - p.y(t)});
    eval.boxes.push_back({left + bar, p.y(e), bar, p.y(0) - p.y(e)});
    // The training loss written over its bar: near 0 the bar itself is too thin to see.
    fig.items.push_back(Text{left + bar / 2, p.y(t) - st.tick * 0.25, fmt::format("{:.2f}", t), st.tick * 0.8,
                             kTrainColor, Align::Center, Anchor::Baseline});
    if (i % every == 0)
      fig.items.push_back(Text{left + bar, p.box.y + p.box.h + st.tick * 0.3, std::to_string(i), st.tick, st.theme.text,
                               Align::Center, Anchor::Top});
  }
  fig.items.push_back(std::move(train));
  fig.items.push_back(std::move(eval));
  // Under the axis, a red tick for each position whose target can reach it through the mask.
  FillBoxes reach{st.theme.leak, {}, false};
  for (int pos : r.reachable_target_positions)
    if (pos < positions) reach.boxes.push_back({p.box.x + pos * slot + slot * 0.14, p.box.y + p.box.h + 0.8, 2 * bar, 1.6});
  fig.items.push_back(std::move(reach));
}

}  // namespace

Figure view_lab(const LabResult& r, const FigureOptions& o) {
  const Style st = style_for(o);
  Figure fig = figure_page(st);
  const double ln_v = r.ln_vocab();
  fig.title = o.title.empty() ? fmt::format("What the {} mask teaches: training loss against ln V", r.variant) : o.title;
  double y = draw_title(fig, st, st.margin, fig.title,
                        fmt::format("{} · {} task, V = {} · N = {} · H = {} · {} layer{} · d_model {} · batch {} · {} "
                                    "steps in {:.1f} s",
                                    r.variant, r.task, r.vocab, r.n, r.heads, r.layers, r.layers == 1 ? "" : "s",
                                    r.d_model, r.batch, r.steps, r.seconds));
  const double top = lab_loss_axis_top(r.curves, r.eval_full_causal_loss_per_position, ln_v);
  const double axis_room = st.tick * 4.2, panel_h = st.width * 0.3;
  const double panel_w = (st.width - 2 * st.margin - 2 * axis_room - st.gap) / 2;
  y += st.label * 1.6;
  const Plot curves{{st.margin + axis_room, y, panel_w, panel_h}, 0, static_cast<double>(std::max(1, r.steps)), top};
  const Plot bars{{st.margin + 2 * axis_room + panel_w + st.gap, y, panel_w, panel_h}, 0, 1, top};
  draw_axes(fig, st, curves, "mean loss over training", "step");
  draw_curves(fig, st, r, curves);
  draw_floor(fig, st, curves, ln_v);
  draw_axes(fig, st, bars, "each position's loss at the end", "position p (predicting token p+1)");
  draw_bars(fig, st, r, bars);
  draw_floor(fig, st, bars, ln_v);
  y += panel_h + st.tick * 3.6;
  y = draw_legend(fig, st, st.margin, y, st.width - 2 * st.margin,
                  {{LegendEntry::Kind::Swatch, kTrainColor, fmt::format("under the {} mask (training)", r.variant)},
                   {LegendEntry::Kind::Swatch, kEvalColor, "the same model under full causal attention (inference)"},
                   {LegendEntry::Kind::Swatch, st.theme.leak,
                    fmt::format("position can read its target after {} layer{}", r.layers, r.layers == 1 ? "" : "s")}});
  int below = 0;
  for (double v : r.train_loss_per_position) below += v < ln_v - 0.1;
  const std::string text =
      r.task == "random"
          ? fmt::format("On uniformly random tokens no model can predict the next token better than ln V = {:.2f} "
                        "nats. {} of {} positions went below it under the training mask: the model read its target "
                        "through the mask. Under full causal attention, as at inference, the same model {} "
                        "(final mean {:.2f} nats).",
                        ln_v, below, r.train_loss_per_position.size(),
                        below > 0 ? "does worse than ln V" : "stays at ln V", r.curves.empty() ? 0.0 : r.curves.back().eval_loss)
          : fmt::format("The {} task: part of each sequence is predictable, so losses below ln V = {:.2f} are honest "
                        "there; a gap between the training mask and full causal attention is what the mask let the "
                        "model read.",
                        r.task, ln_v);
  figure_close(fig, st, y, text, o.caption);
  return fig;
}

}  // namespace attnscope::figure
