// One numbering of the steps, from 0 as the trace holds them: `attnscope steps`, the token figure
// (and the GIF drawn from it), the storyboard's panels and the lesson give step k of the classroom
// scene the same number.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

std::string texts_of(const figure::Figure& fig) {
  std::string out;
  for (const auto& item : fig.items)
    if (const auto* t = std::get_if<figure::Text>(&item)) out += t->text + "\n";
  return out;
}

TEST(StepNumbers, StepsTokenFigureStoryboardAndLessonCountFromZero) {
  const auto a = analyze(Scene{});
  const auto& steps = a->trace().steps;
  const int last = static_cast<int>(steps.size()) - 1;
  ASSERT_EQ(steps[2].name, "roll");

  const auto cli = test::cli({"steps"});
  ASSERT_EQ(cli.code, 0);
  const std::string storyboard = texts_of(figure::view_steps(*a, {}));
  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/docs/lesson.md");
  std::stringstream lesson;
  lesson << in.rdbuf();
  for (int k = 0; k <= last; ++k) {
    const std::string& name = steps[k].name;
    SCOPED_TRACE(name);
    EXPECT_TRUE(std::regex_search(cli.out, std::regex(fmt::format("(^|\\n) ?{}\\. {} ", k, name))));
    EXPECT_NE(texts_of(figure::view_tokens(*a, {}, k)).find(fmt::format("Step {} / {} \u00b7 {}", k, last, name)),
              std::string::npos);
    EXPECT_NE(storyboard.find(fmt::format("{} \u00b7 {}\n", k, name)), std::string::npos) << storyboard;
    EXPECT_NE(lesson.str().find(fmt::format("{:2}. {}", k, name)), std::string::npos);
  }
  EXPECT_NE(lesson.str().find(fmt::format("Step 6 / {}: mask", last)), std::string::npos);
}

}  // namespace
}  // namespace attnscope
