// Prose in the views breaks at spaces only: ImGui's wrapping also breaks after '.' and ',', which
// split numbers on screen ("16,777,|216", "2.|15 G FLOPs").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/gui/text_fit.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

std::vector<std::string> split(const std::string& text, char at) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, at);) parts.push_back(part);
  return parts;
}

class TextBreak : public ::testing::Test {
 protected:
  void SetUp() override { ImGui::NewFrame(); }
  void TearDown() override { ImGui::EndFrame(); }
  GuiHarness harness;
};

TEST_F(TextBreak, NumbersStayWholeAtEveryWidth) {
  const std::string text = "full = N(N+1)/2 = 16,777,216 cells; attention 2.15 G FLOPs at key 6,625.";
  const auto words = split(text, ' ');
  for (float width = 10.f; width < 900.f; width += 7.f) {
    const std::string broken = text_break_lines(text, width);
    std::string rejoined;
    for (const std::string& line : split(broken, '\n')) {
      // Every line fits, or holds a single word too wide for any line.
      if (line.find(' ') != std::string::npos) EXPECT_LE(ImGui::CalcTextSize(line.c_str()).x, width) << line;
      rejoined += (rejoined.empty() ? "" : " ") + line;
      for (const std::string& word : split(line, ' '))
        EXPECT_NE(std::find(words.begin(), words.end(), word), words.end()) << "a word was cut: " << word;
    }
    EXPECT_EQ(rejoined, text) << "at width " << width;
  }
}

TEST_F(TextBreak, KeepsLineBreaksAndFillsLines) {
  EXPECT_EQ(text_break_lines("one two\nthree", 10000.f), "one two\nthree");
  const float two = ImGui::CalcTextSize("one two").x;
  EXPECT_EQ(text_break_lines("one two three", two + 1.f), "one two\nthree");
}

TEST_F(TextBreak, FittedLinesEndInAnEllipsisAtAWord) {
  const std::string text = "weights 1,048,576 of 16,777,216 cells are allowed in this head of the model";
  const float width = ImGui::CalcTextSize("weights 1,048,576 of").x + 1.f;
  const std::string fitted = text_fit_lines(text, width, 2);
  const auto lines = split(fitted, '\n');
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "weights 1,048,576 of");
  EXPECT_EQ(lines[1].substr(lines[1].size() - 3), "\u2026");
  EXPECT_EQ(lines[1].rfind("16,777,216", 0), 0u) << lines[1];
}

// ImGui's wrap (PushTextWrapPos, TextWrapped) would break numbers again; the views use text_wrapped.
TEST(TextBreakHouse, NoViewUsesImGuiWrapping) {
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(ATTNSCOPE_SOURCE_DIR) / "app/gui")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    for (const char* call : {"PushTextWrapPos", "TextWrapped("})
      EXPECT_EQ(text.str().find(call), std::string::npos) << entry.path().filename() << " calls " << call;
  }
}

}  // namespace
}  // namespace attnscope::test
