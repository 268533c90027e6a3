// Figures drawn as several 16:9 pages: the lesson always, the storyboard and the compare view at
// slide size. A deck is one PDF of all pages or one PNG per page.
#include "core/figure/figure.hpp"
#include "core/figure/views.hpp"

namespace attnscope {

bool figure_is_deck(const FigureOptions& options) {
  if (options.view == FigureView::Lesson) return true;
  // A GIF of the storyboard is the step animation, whatever its size.
  return options.size == FigureSize::Slide && options.format != FigureFormat::Gif &&
         (options.view == FigureView::Steps || options.view == FigureView::Compare);
}

namespace figure {

std::vector<DeckPage> view_deck(const Analysis& analysis, const FigureOptions& options,
                                const ComparedAnalyses& compared) {
  switch (options.view) {
    case FigureView::Steps: return view_steps_slides(analysis, options);
    case FigureView::Compare: return view_compare_slides(analysis, options, compared);
    default: return view_lesson(analysis, options);
  }
}

}  // namespace figure

}  // namespace attnscope
