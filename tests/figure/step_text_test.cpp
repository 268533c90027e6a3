// A step's caption and why-line come from one rule (core/presentation/step_caption): `steps`
// prints, the storyboard and the token figure (the GIF's frames) draw, what step_text says, for a
// scene as its file has it (hand-written captions) and for the same scene changed by a flag
// (captions computed from the analysis).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/figure/views.hpp"
#include "core/presentation/step_caption.hpp"
#include "tests/cli/cli_test_support.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

std::string words(const std::string& text) {
  std::istringstream in(text);
  std::string out, word;
  while (in >> word) out += (out.empty() ? "" : " ") + word;
  return out;
}

struct Case {
  std::vector<std::string> flags;
  bool hand_written;
};

class StepTextEverywhere : public testing::TestWithParam<Case> {};

TEST_P(StepTextEverywhere, StepsStoryboardAndTokenFiguresShowTheSameCaption) {
  const std::string file = std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/01_classroom.json";
  Scene scene = scene_load(file);
  std::vector<std::string> args = {"steps", "--json", "--scene", file};
  for (const std::string& flag : GetParam().flags) args.push_back(flag);
  if (!GetParam().flags.empty()) scene.n = std::stoi(GetParam().flags.back());
  const auto analysis = analyze(scene);
  const int last = static_cast<int>(analysis->trace().steps.size()) - 1;
  EXPECT_EQ(step_text(*analysis, last).caption == scene.captions.at("output"), GetParam().hand_written);

  const auto printed = test::cli(args);
  ASSERT_EQ(printed.code, 0) << printed.err;
  const auto steps = nlohmann::json::parse(printed.out)["steps"];
  ASSERT_EQ(static_cast<int>(steps.size()), last + 1);
  FigureOptions options;
  const std::string storyboard = words(test::all_text(figure::view_steps(*analysis, options)));
  for (int i = 0; i <= last; ++i) {
    const StepText text = step_text(*analysis, i);
    EXPECT_EQ(steps[i]["caption"], text.caption) << "step " << i;
    EXPECT_EQ(steps[i]["why"], text.why) << "step " << i;
    EXPECT_NE(storyboard.find(words(text.caption)), std::string::npos) << "storyboard, step " << i;
    EXPECT_NE(words(test::all_text(figure::view_tokens(*analysis, options, i))).find(words(text.caption)),
              std::string::npos)
        << "token figure, step " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenes, StepTextEverywhere,
                         testing::Values(Case{{}, true}, Case{{"--n", "32"}, false}),
                         [](const auto& info) { return info.param.hand_written ? "AsWritten" : "ChangedByAFlag"; });

}  // namespace
}  // namespace attnscope
