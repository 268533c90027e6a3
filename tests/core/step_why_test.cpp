// Every step of every variant, and of every preset scene, says why it is there: the GUI shows the
// why-line under each step's caption, the storyboard and `steps` print it.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/analysis/analysis.hpp"
#include "core/masks/user_mask.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {
namespace {

void expect_every_step_has_a_why(const Analysis& a, const std::string& what) {
  for (int i = 0; i < static_cast<int>(a.trace().steps.size()); ++i)
    EXPECT_FALSE(step_text(a, i).why.empty()) << what << ": step " << i << " (" << a.trace().steps[i].name << ")";
}

TEST(StepWhy, EveryStepOfEveryVariantHasOne) {
  for (const Variant* v : variant_all()) {
    if (v->info().name == "file") continue;  // a user's mask file: the shared steps, checked below
    Scene scene;
    scene.variant = v->info().name;
    expect_every_step_has_a_why(*analyze(scene, {.values = false}), scene.variant);
  }
}

TEST(StepWhy, EveryStepOfEveryPresetHasOne) {
  int presets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes")) {
    if (entry.path().extension() != ".json") continue;
    const Scene scene = scene_load(entry.path().string());
    expect_every_step_has_a_why(*analyze(scene, {.values = false}), entry.path().filename().string());
    ++presets;
  }
  EXPECT_GT(presets, 10);
}

TEST(StepWhy, AMaskFilesStepsHaveOne) {
  Scene scene;
  scene = scene_for_mask_file(scene, std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/masks/causal_uint8.npy");
  expect_every_step_has_a_why(*analyze(scene, {.values = false}), "file");
}

// At the paper's scale the captions and why-lines group their counts as the shapes beside them
// do ("G = 2,048 tokens"): no step's prose holds four digits or more in a row.
TEST(StepWhy, CountsAreGroupedAsInTheShapes) {
  Scene scene;
  scene.n = 8192;
  scene.g = 2048;
  const auto a = analyze(scene, {.values = false});
  for (int i = 0; i < static_cast<int>(a->trace().steps.size()); ++i) {
    const StepText text = step_text(*a, i);
    for (const std::string& prose : {text.caption, text.why}) {
      int run = 0;
      for (const char c : prose) {
        run = c >= '0' && c <= '9' ? run + 1 : 0;
        EXPECT_LT(run, 4) << "step " << i << ": " << prose;
        if (run >= 4) break;
      }
    }
  }
  EXPECT_NE(step_text(*a, 4).caption.find("groups of G = 2,048"), std::string::npos) << step_text(*a, 4).caption;
  EXPECT_NE(step_text(*a, 6).why.find("the first 1,024 tokens sit after the last 1,024"), std::string::npos)
      << step_text(*a, 6).why;
  EXPECT_NE(step_text(*a, 4).why.find("ordinary 2,048\u00d72,048 attention"), std::string::npos) << step_text(*a, 4).why;
}

}  // namespace
}  // namespace attnscope
