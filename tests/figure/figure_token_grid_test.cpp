// The figures' token grid: drawn from the shared motion model, it still shows each head's own
// groups, outlines the step's marked tokens, and prints no label on a cell while it moves.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <map>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

using test::all_text;
using test::items_of;

using test::preset;

// Left edges of every full cell of the token grid, by strip top: head 0's strip first. A strip
// holds a cell per position (less any mid-wrap, clipped); the legend's swatches, at most seven to a
// line, are left out.
std::map<double, std::vector<double>> grid_strips(const figure::Figure& fig, int positions) {
  std::map<double, std::vector<double>> by_y;
  for (const auto* fill : items_of<figure::FillBoxes>(fig))
    for (const auto& box : fill->boxes)
      if (box.w > 0.5 * box.h && box.w < 1.5 * box.h) by_y[std::round(box.y * 100) / 100].push_back(box.x);
  for (auto it = by_y.begin(); it != by_y.end();)
    it = 2 * static_cast<int>(it->second.size()) <= positions ? by_y.erase(it) : std::next(it);
  for (auto& [y, xs] : by_y) std::sort(xs.begin(), xs.end());
  return by_y;
}

std::vector<std::vector<double>> cell_lefts(const figure::Figure& fig, int positions) {
  std::vector<std::vector<double>> out;
  for (auto& [y, xs] : grid_strips(fig, positions)) out.push_back(xs);
  return out;
}

TEST(FigureTokenGrid, EachHeadShowsItsOwnGroupGaps) {
  // SF cuts the shifted head's segments elsewhere than the others: the gaps must follow each
  // head's groups, not head 0's.
  const auto a = analyze(preset("sf"));
  ASSERT_EQ(a->scene.batch, 1);
  int checked = 0;
  for (int k = 0; k < static_cast<int>(a->trace().steps.size()); ++k) {
    const Step& step = a->trace().steps[k];
    if (step.group(0, 0) < 0) continue;  // not grouped
    const auto strips = cell_lefts(figure::view_tokens(*a, {}, k), step.rows);
    ASSERT_EQ(static_cast<int>(strips.size()), step.heads) << step.name;
    for (int h = 0; h < step.heads; ++h) {
      const auto& xs = strips[h];
      ASSERT_EQ(static_cast<int>(xs.size()), step.rows) << step.name << " head " << h;
      double cell = xs[1] - xs[0];  // the narrowest step between neighbours is one cell
      for (int r = 1; r < step.rows; ++r) cell = std::min(cell, xs[r] - xs[r - 1]);
      for (int r = 1; r < step.rows; ++r) {
        const bool gap = xs[r] - xs[r - 1] > cell * 1.2;
        const int g = step.group(r, h);
        EXPECT_EQ(gap, g >= 0 && g != step.group(r - 1, h)) << step.name << " head " << h << " row " << r;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

TEST(FigureTokenGrid, MarkedTokensAreOutlinedAndNamedInTheLegend) {
  const auto a = analyze(preset("sf"));
  const auto& steps = a->trace().steps;
  const auto it = std::find_if(steps.begin(), steps.end(), [](const Step& s) { return !s.marked.empty(); });
  ASSERT_NE(it, steps.end());
  const figure::Figure fig = figure::view_tokens(*a, {}, static_cast<int>(it - steps.begin()));
  const auto strips = grid_strips(fig, it->rows);
  size_t outlined = 0;  // outlines on the grid's cells, not the legend's
  for (const auto* s : items_of<figure::StrokeBoxes>(fig))
    for (const auto& box : s->boxes) outlined += strips.count(std::round(box.y * 100) / 100);
  // Every head holds every marked token once.
  EXPECT_EQ(outlined, it->marked.size() * static_cast<size_t>(it->heads));
  EXPECT_NE(all_text(fig).find(it->marked_name + " token"), std::string::npos) << all_text(fig);
}

TEST(FigureTokenGrid, StoryboardGivesEachStepsWhy) {
  const auto a = analyze(Scene{});
  const std::string text = all_text(figure::view_steps(*a, {}));
  int with_why = 0;
  for (const Step& s : a->trace().steps) with_why += !s.why.empty();
  ASSERT_GT(with_why, 0);
  size_t found = 0;
  for (size_t at = text.find("why: "); at != std::string::npos; at = text.find("why: ", at + 1)) ++found;
  EXPECT_EQ(found, static_cast<size_t>(with_why));
}

TEST(FigureTokenGrid, MovingCellsCarryNoLabelUntilTheyLand) {
  // A quarter of the way into the classroom roll: head 0 stays put and keeps its 16 labels; every
  // cell of the rolled head moves, so its strip has none.
  const auto a = analyze(preset("01_classroom"));
  FigureOptions o;
  o.view = FigureView::Steps;
  o.gif_tween_frames = 3;
  const auto frames = figure::view_step_frames(*a, o);
  int tweens = 0;
  for (const auto& frame : frames) {
    std::map<double, int> labels_by_y;
    for (const auto* t : items_of<figure::Text>(frame.figure))
      if (t->anchor == figure::Anchor::Middle && t->align == figure::Align::Center && !t->text.empty() &&
          std::isdigit(static_cast<unsigned char>(t->text[0])))
        ++labels_by_y[t->y];
    int cells = 0;
    for (const auto& [y, xs] : grid_strips(frame.figure, a->n())) cells += static_cast<int>(xs.size());
    int labels = 0;
    for (const auto& [y, count] : labels_by_y) labels += count;
    if (labels < cells) ++tweens;  // some cells without a label: a frame between steps
  }
  // Steps that move tokens get 3 tween frames each, and only those frames lose labels.
  const auto& steps = a->trace().steps;
  int moves = 0;
  for (size_t k = 1; k < steps.size(); ++k)
    moves += steps[k].tokens != steps[k - 1].tokens || steps[k].groups != steps[k - 1].groups;
  EXPECT_GT(moves, 0);
  EXPECT_LE(tweens, 3 * moves);
  EXPECT_GT(tweens, 0);
}

}  // namespace
}  // namespace attnscope
