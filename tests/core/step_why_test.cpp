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

}  // namespace
}  // namespace attnscope
