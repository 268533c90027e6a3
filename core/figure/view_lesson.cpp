// The lesson as slides: the same figures the other views draw, each laid out on a 16:9 page at
// projector type (FigureSize::Slide), one step or one idea per page, in the lesson's order.
#include <fmt/format.h>

#include "core/figure/matrix_panel.hpp"
#include "core/figure/views.hpp"

namespace attnscope::figure {

std::vector<DeckPage> view_lesson(const Analysis& a, const FigureOptions& o) {
  FigureOptions slide = o;
  slide.view = FigureView::Lesson;
  slide.size = FigureSize::Slide;
  slide.mask_only = false;
  slide.heads.clear();
  std::vector<DeckPage> pages;
  const auto& steps = a.trace().steps;
  int mask_step = -1;
  for (int k = 0; k < static_cast<int>(steps.size()); ++k) {
    pages.push_back({fmt::format("step-{:02}-{}", k, steps[k].name), view_tokens(a, slide, k)});
    if (steps[k].name == "mask") mask_step = k;
  }
  // The leak: the heads with a wrapped group alone, at the mask step, so their cells are large.
  std::vector<int> wrapped;
  for (int h = 0; h < a.heads(); ++h)
    if (head_wrapped_span(a, h)) wrapped.push_back(h);
  if (mask_step >= 0 && !wrapped.empty()) {
    FigureOptions leak = slide;
    leak.step = mask_step;
    leak.heads = {wrapped.front()};
    pages.push_back({"leak", view_heatmap(a, leak)});
    pages.push_back({"wrapped", view_wrapped(a, slide)});
    pages.push_back({"symmetry", view_symmetry(a, slide)});
  }
  pages.push_back({"cost", view_cost(a, slide)});
  if (a.metrics.total_leaks > 0) pages.push_back({"next-token", view_next_token(a, slide)});
  return pages;
}

}  // namespace attnscope::figure
