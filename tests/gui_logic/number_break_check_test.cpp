// The screen report's check for line breaks inside numbers: it names the broken number when a
// break falls inside one (the way ImGui's own wrapping breaks after ',' and '.'), and stays quiet
// for breaks that took the place of a space, even between two numbers.
#include <gtest/gtest.h>

#include "app/gui/screen_report.hpp"
#include "app/gui/text_fit.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

using Breaks = std::vector<std::string>;

TEST(NumberBreakCheck, NamesABreakInsideANumber) {
  EXPECT_EQ(screen_report_number_breaks("16,777,216 cells", "16,777,\n216 cells"), Breaks{"16,777,\u2424216"});
  EXPECT_EQ(screen_report_number_breaks("2.15 G FLOPs", "2.\n15 G FLOPs"), Breaks{"2.\u242415"});
  EXPECT_EQ(screen_report_number_breaks("key 6625 reads", "key 66\n25 reads"), Breaks{"66\u242425"});
}

TEST(NumberBreakCheck, BreaksAtSpacesAreBetweenWords) {
  EXPECT_EQ(screen_report_number_breaks("tokens 14 15 0 1", "tokens 14 15\n0 1"), Breaks{});
  EXPECT_EQ(screen_report_number_breaks("one\n2", "one\n2"), Breaks{});
  // A break before a word (not a number) after a number's comma is prose punctuation.
  EXPECT_EQ(screen_report_number_breaks("at 16, then", "at 16,\nthen"), Breaks{});
}

TEST(NumberBreakCheck, TextWrappedReportsWhatItDrew) {
  GuiHarness harness;
  ImGui::NewFrame();
  ImGui::Begin("wrap");
  text_wrapped_drawn_take();
  const std::string text = "full = N(N+1)/2 = 16,777,216 cells; attention 2.15 G FLOPs at key 6,625.";
  text_wrapped(text, ImGui::CalcTextSize("full = N(N+1)/2").x);
  const std::vector<WrappedText> drawn = text_wrapped_drawn_take();
  ImGui::End();
  ImGui::EndFrame();
  ASSERT_EQ(drawn.size(), 1u);
  EXPECT_EQ(drawn[0].source, text);
  EXPECT_NE(drawn[0].drawn.find('\n'), std::string::npos);
  EXPECT_EQ(screen_report_number_breaks(drawn[0].source, drawn[0].drawn), Breaks{});
  EXPECT_TRUE(text_wrapped_drawn_take().empty()) << "taken once";
}

}  // namespace
}  // namespace attnscope::test
