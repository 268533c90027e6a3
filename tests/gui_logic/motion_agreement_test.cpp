// The exported step animation (GIF/storyboard frames) and the GUI's token grid move and colour
// tokens identically: a quarter of the way into the classroom roll, every token of the shifted
// head sits at the same fractional row in both, the row the hand-derived ease puts it at, and the
// token wrapping round the top re-enters at the far edge in both.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

#include "core/figure/views.hpp"
#include "core/presentation/token_motion.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

constexpr float kT = 0.25f;
// smoothstep(0.25) = 0.25² · (3 − 0.5) = 0.15625 of the way.
constexpr float kEased = 0.15625f;

// Head 1's cells in the figure's tween frame, in rows from position 0. Moving cells carry no
// label there (it would print over the cells they pass), so cells are read from their fills.
struct FigureRows {
  std::vector<std::pair<Rgb8, double>> cells;  // colour and row of each full-width cell of head 1
  double cell = 0, origin = 0, strip_y = 0;
  // Whether a cell of this colour sits at `row`.
  bool has(Rgb8 color, double row) const {
    return std::any_of(cells.begin(), cells.end(),
                       [&](const auto& c) { return c.first == color && std::abs(c.second - row) < 0.02; });
  }
};

figure::Figure roll_tween_frame(const Analysis& a) {
  FigureOptions o;
  o.view = FigureView::Steps;
  o.gif_tween_frames = 3;  // t = 0.25, 0.5, 0.75
  const auto& steps = a.trace().steps;
  const int roll = a.trace().find("roll");
  size_t index = 0;  // frames before the roll's first tween, counted as view_step_frames lays them out
  for (int k = 0; k < roll; ++k) {
    const bool moved = k > 0 && (steps[k].tokens != steps[k - 1].tokens || steps[k].groups != steps[k - 1].groups);
    index += (moved ? 3 : 0) + 1;
  }
  return figure::view_step_frames(a, o).at(index).figure;
}

FigureRows figure_rows(const figure::Figure& fig) {
  // Token labels are centred both ways; head 0 (the first strip) does not move in the roll, so
  // its tokens 0 and 1 give the grid's origin and cell size. The head name gives head 1's strip.
  std::map<double, std::map<int, double>> by_strip;  // label y -> token -> x
  FigureRows out;
  for (const auto& item : fig.items)
    if (const auto* text = std::get_if<figure::Text>(&item)) {
      if (text->text == "head 1") out.strip_y = text->y;
      if (text->anchor == figure::Anchor::Middle && text->align == figure::Align::Center &&
          !text->text.empty() && std::isdigit(static_cast<unsigned char>(text->text[0])))
        by_strip[text->y][std::stoi(text->text)] = text->x;
    }
  if (by_strip.empty() || out.strip_y == 0) return out;
  const auto& head0 = by_strip.begin()->second;
  if (!head0.count(0) || !head0.count(1)) return out;
  out.cell = head0.at(1) - head0.at(0);
  out.origin = head0.at(0) - out.cell / 2;
  for (const auto& item : fig.items)
    if (const auto* fill = std::get_if<figure::FillBoxes>(&item))
      for (const auto& box : fill->boxes)
        if (box.y < out.strip_y && box.y + box.h > out.strip_y && box.w > 0.8 * out.cell)
          out.cells.push_back({fill->color, (box.x + box.w / 2 - out.origin) / out.cell - 0.5});
  return out;
}

TEST(MotionAgreement, GifAndGuiMoveTheRollIdentically) {
  const auto analysis = analyze(classroom_scene());
  const int roll = analysis->trace().find("roll");
  const auto poses = token_poses_between(analysis->trace().steps[roll - 1], analysis->trace().steps[roll], kT);

  // The GUI a quarter of the way into the roll.
  GuiHarness gui;
  AppState state = state_with(classroom_scene());
  apply(state, action::StepTo{roll, false});
  state.play.from = roll - 1;
  state.play.t = kT;
  gui.frame(state);
  std::map<std::pair<int, int>, std::vector<float>> tops;  // (head, token) -> y of each copy
  for (const auto& c : gui.report.token_cells) tops[{c.head, c.token}].push_back(c.rect.y0);
  ASSERT_EQ(tops[std::make_pair(0, 0)].size(), 1u);
  const float gui_y0 = tops[std::make_pair(0, 0)][0], gui_row_h = tops[std::make_pair(0, 1)][0] - gui_y0;

  const FigureRows fig = figure_rows(roll_tween_frame(*analysis));
  ASSERT_GT(fig.cell, 0) << "head 0's token labels and head 1's name";

  int compared = 0;
  for (const TokenPose& pose : poses) {
    if (pose.head != 1 || pose.wrap_row) continue;  // a clipped copy's label is off its centre
    const std::vector<float>& copies = tops[std::make_pair(1, pose.token)];
    ASSERT_EQ(copies.size(), 1u) << "token " << pose.token;
    const float gui_row = (copies[0] - gui_y0) / gui_row_h;
    EXPECT_NEAR(gui_row, pose.row, 0.02) << "GUI, token " << pose.token;
    EXPECT_TRUE(fig.has(token_color(pose.token, 16), pose.row)) << "figure, token " << pose.token;
    ++compared;
  }
  EXPECT_EQ(compared, 15) << "token 0 is mid-wrap";
  // Hand-derived: token 2 goes from row 2 to row 0 (the roll by -2); token 5 from 5 to 3.
  EXPECT_TRUE(fig.has(token_color(2, 16), 2 - 2 * kEased));
  EXPECT_TRUE(fig.has(token_color(5, 16), 5 - 2 * kEased));

  // Token 0 takes the short way: up past the top, re-entering at the bottom (GUI) / right end
  // (figure), not sweeping through the grid. Its two copies are both drawn.
  EXPECT_EQ(tops[std::make_pair(1, 0)].size(), 2u);
  const Rgb8 colour = token_color(0, 16);
  bool entering = false;
  for (const auto& item : roll_tween_frame(*analysis).items)
    if (const auto* fill = std::get_if<figure::FillBoxes>(&item); fill && fill->color == colour)
      for (const auto& box : fill->boxes)
        entering |= box.y < fig.strip_y && box.y + box.h > fig.strip_y &&
                    std::abs(box.x + box.w - (fig.origin + 16 * fig.cell)) < 0.01 * fig.cell &&
                    box.w < 0.5 * fig.cell;
  EXPECT_TRUE(entering) << "token 0's copy enters at the right end of the shifted head's strip";
}

TEST(MotionAgreement, TokenColoursAreTheSameInGuiAndFigures) {
  // One colour per original token, from the shared model, drawn by the figure for every token.
  const auto analysis = analyze(classroom_scene());
  EXPECT_NE(token_color(3, 16), token_color(4, 16));
  const auto frame = roll_tween_frame(*analysis);
  std::vector<Rgb8> fills;
  for (const auto& item : frame.items)
    if (const auto* fill = std::get_if<figure::FillBoxes>(&item)) fills.push_back(fill->color);
  for (int token = 0; token < 16; ++token)
    EXPECT_NE(std::find(fills.begin(), fills.end(), token_color(token, 16)), fills.end()) << token;
}

TEST(MotionAgreement, TheWrappedGroupsEarlyAndLateTokensNeverShareAColour) {
  // The wrapped group [14 15 0 1]: every early token is darker than every late one, by more than
  // the tokens of one end differ from each other (Rec. 709 luma).
  const auto luma = [](Rgb8 c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; };
  const double early_max = std::max(luma(token_color(0, 16)), luma(token_color(1, 16)));
  const double late_min = std::min(luma(token_color(14, 16)), luma(token_color(15, 16)));
  EXPECT_GT(late_min - early_max, 4 * std::abs(luma(token_color(1, 16)) - luma(token_color(0, 16))));
  EXPECT_GT(late_min - early_max, 100.0);
  for (int t = 0; t + 1 < 16; ++t) EXPECT_LT(luma(token_color(t, 16)), luma(token_color(t + 1, 16))) << t;
}

}  // namespace
}  // namespace attnscope::test
