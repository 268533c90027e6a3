// The token grid after `roll`: every cell shows the colour of the token the core's provenance
// puts there, and token 0 of the shifted head sits in its last rows. At `mask`: the leaking
// query's keys are painted in the leak colour.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/presentation/token_motion.hpp"
#include "tests/gui/screenshot_support.hpp"

namespace attnscope::test {
namespace {

TEST(TokenGridPixelsGLTest, AfterRollTokenZeroSitsInTheLastRowsOfTheShiftedHalf) {
  const auto analysis = analyze(scene_from_json(nlohmann::json{{"variant", "s2"}, {"n", 16}, {"g", 4}, {"heads", 2}}));
  const int roll = analysis->trace().find("roll");
  ASSERT_GE(roll, 0);
  const Screenshot s = screenshot_take("--step " + std::to_string(roll), "roll");
  ASSERT_EQ(s.exit_code, 0);
  ASSERT_EQ(s.layout["step_name"], "roll");
  const Step& step = analysis->trace().steps[roll];
  const auto& cells = s.layout["token_cells"];
  ASSERT_EQ(cells.size(), 32u);
  double token0_y = -1, max_other_y = -1;
  int differs_from_input = 0;
  for (const auto& cell : cells) {
    const int row = cell["row"], head = cell["head"];
    const auto& r = cell["rect"];
    // Left edge, vertically centred: clear of the centred label.
    const int x = static_cast<int>(r[0].get<double>() + 4), y = static_cast<int>((r[1].get<double>() + r[3].get<double>()) / 2);
    const int token = step.token(row, head);
    EXPECT_LE(color_distance(s.at(x, y), token_color(token, analysis->n())), 6) << "row " << row << " head " << head;
    differs_from_input += token_color(token, analysis->n()) != token_color(row, analysis->n());
    if (head == 1 && token == 0) token0_y = r[1];
    else if (head == 1 && token != 1) max_other_y = std::max(max_other_y, r[1].get<double>());
  }
  // The check above could not tell a roll from no roll if every colour matched the input's.
  EXPECT_GT(differs_from_input, 0);
  EXPECT_EQ(step.token(14, 1), 0);
  EXPECT_GT(token0_y, max_other_y) << "token 0 of head 1 is not below the tokens that stayed";
}

TEST(TokenGridPixelsGLTest, AtTheMaskStepTokenZeroReadsFourteenAndFifteenInTheLeakColour) {
  const auto analysis = analyze(scene_from_json(nlohmann::json{{"variant", "s2"}, {"n", 16}, {"g", 4}, {"heads", 2}}));
  const int mask = analysis->trace().find("mask");
  const Screenshot s = screenshot_take("--step " + std::to_string(mask), "mask_tokens");
  ASSERT_EQ(s.exit_code, 0);
  const Theme& theme = s.theme();
  int leaks = 0;
  for (const auto& cell : s.layout["token_cells"]) {
    const auto& r = cell["rect"];
    const int x = static_cast<int>(r[0].get<double>() + 5), y = static_cast<int>((r[1].get<double>() + r[3].get<double>()) / 2);
    const bool leak = cell["head"] == 1 && (cell["token"] == 14 || cell["token"] == 15);
    EXPECT_EQ(cell["light"], leak ? "leak" : cell["head"] == 1 && cell["token"] == 0 ? "query" : "dim");
    EXPECT_EQ(color_distance(s.at(x, y), theme.leak) <= 6, leak) << "head " << cell["head"] << " token " << cell["token"];
    leaks += leak;
  }
  EXPECT_EQ(leaks, 2);
}

}  // namespace
}  // namespace attnscope::test
