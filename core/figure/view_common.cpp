#include <fmt/format.h>

#include <algorithm>

#include "core/figure/views.hpp"
#include "core/scene.hpp"
#include "core/shaping_params.hpp"

namespace attnscope::figure {

std::vector<int> heads_selected(const Analysis& analysis, const FigureOptions& options) {
  std::vector<int> heads = options.heads;
  if (heads.empty())
    for (int h = 0; h < analysis.heads(); ++h) heads.push_back(h);
  for (int h : heads)
    if (h < 0 || h >= analysis.heads())
      throw SceneError(fmt::format("heads: {} is not a head of this scene; use 0..{}", h,
                                   analysis.heads() - 1));
  if (options.batch < 0 || options.batch >= analysis.scene.batch)
    throw SceneError(fmt::format("batch: {} is not in this scene's batch; use 0..{}", options.batch,
                                 analysis.scene.batch - 1));
  return heads;
}

namespace {

// A typographic minus: "−2" rather than "-2".
std::string signed_text(int v) { return v < 0 ? "\u2212" + std::to_string(-v) : std::to_string(v); }

}  // namespace

std::string shift_text(int shift) {
  return fmt::format("{}{}", shift < 0 ? "\u2212" : "+", std::abs(shift));
}

std::string scene_summary(const Analysis& analysis) {
  const Scene& s = analysis.scene;
  std::string out = fmt::format("{} \u00b7 N={} \u00b7 H={}", s.variant, s.n, s.heads);
  for (const ShapingParam& p : shaping_params(s, *analysis.variant)) {
    if (p.key == "g") out += " \u00b7 G=" + p.value;
    else if (p.key == "shift") out += " \u00b7 shift " + signed_text(std::stoi(p.value));
    else out += " \u00b7 " + (p.flag ? p.key : p.key + "=" + p.value);
  }
  out += fmt::format(" \u00b7 {} policy \u00b7 seed {}", s.policy, s.seed);
  if (s.batch > 1) out += fmt::format(" \u00b7 batch {}", s.batch);
  return out;
}

std::string figure_title(const Analysis& analysis, const FigureOptions& options, const std::string& what) {
  if (!options.title.empty()) return options.title;
  if (!analysis.scene.title.empty()) return analysis.scene.title;
  return fmt::format("{}: {}", analysis.scene.variant, what);
}

std::string figure_caption(const Analysis& analysis, const FigureOptions& options) {
  return options.caption.empty() ? analysis.scene.caption : options.caption;
}

int default_token_step(const Analysis& analysis) {
  const int grouped = analysis.trace().find("group-reshape");
  return grouped >= 0 ? grouped : static_cast<int>(analysis.trace().steps.size()) - 1;
}

void matrix_draw_head(Figure& fig, const Style& st, const MatrixGrid& g, const Analysis& a, int h,
                      const FigureOptions& o, float vmax, bool query_title) {
  if (o.mask_only) {
    matrix_draw_layers(fig, g, st.theme.masked, {{&a.mask(h), matrix_allowed_color(st)}});
  } else {
    matrix_draw_weights(fig, g, a.mask(h), a.attention.head(o.batch, h).weights, vmax, st);
  }
  matrix_draw_empty_rows(fig, g, a.mask(h), st);
  matrix_draw_groups(fig, g, head_group_boundaries(a, h), st);
  matrix_draw_leaks(fig, g, a.leaks[h], st);
  // After the leaks, so all four pieces stay orange even where leak outlines run along them.
  if (const auto wrapped = head_wrapped_group(a, h)) matrix_draw_wrapped_group(fig, g, *wrapped, st);
  matrix_draw_axes(fig, g, st, query_title);
}

}  // namespace attnscope::figure
