// Scenes: validation messages name the key and the fix; files round-trip; bad files are refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.hpp"
#include "core/scene/policy.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::test_scene;

std::string error_of(const Scene& scene) {
  try {
    analyze(scene);
  } catch (const SceneError& e) {
    return e.what();
  }
  return "";
}

TEST(Scene, ValidationNamesTheKeyAndTheFix) {
  EXPECT_EQ(error_of(test_scene({.n = 18})), "n: 18 is not divisible by the group size g = 4; use an n that is a "
                                             "multiple of g (e.g. --n 20) or a g that divides n");
  EXPECT_NE(error_of(test_scene({.n = 20, .g = 5})).find("g: group size 5 is odd"), std::string::npos);
  // An explicit shift makes odd G legal.
  EXPECT_EQ(error_of(test_scene({.n = 20, .g = 5, .shift = -3})), "");
  EXPECT_NE(error_of(test_scene({.heads = 3})).find("heads: s2 shifts half of the heads, so heads must be even"),
            std::string::npos);
  // Short does not split heads.
  EXPECT_EQ(error_of(test_scene({.variant = "short", .heads = 3})), "");
  EXPECT_NE(error_of(test_scene({.variant = "nope"})).find("variant: unknown variant 'nope'"), std::string::npos);
  EXPECT_NE(error_of(test_scene({.g = 32})).find("g: group size 32 must be between 1 and n = 16"), std::string::npos);
  EXPECT_NE(error_of(test_scene({.policy = "prefix:99"})).find("policy: prefix 99 is outside"), std::string::npos);
  EXPECT_NE(error_of(test_scene({.params = {{"window", "3"}}})).find("window: not a parameter of variant s2"),
            std::string::npos);
}

TEST(Scene, MemoryBudgetRefusesHugeScenesBeforeAllocating) {
  EXPECT_NE(error_of(test_scene({.variant = "full", .n = 65536, .heads = 64, .d = 1024})).find("GiB"),
            std::string::npos);
  AnalyzeOptions tight;
  tight.memory_budget_bytes = 64 << 20;
  try {
    analyze(test_scene({.variant = "full", .n = 8192, .heads = 8}), tight);
    FAIL() << "expected the budget to refuse the scene";
  } catch (const SceneError& e) {
    EXPECT_NE(std::string(e.what()).find("n: this scene needs about 2.0 GiB"), std::string::npos) << e.what();
  }
}

TEST(Scene, JsonRoundTrip) {
  Scene s = test_scene({.title = "toy",
                        .variant = "s2-fix-mask",
                        .n = 32,
                        .heads = 4,
                        .g = 8,
                        .shift = 4,
                        .policy = "documents:16,16",
                        .seed = 11,
                        .compare = {"s2", "short"},
                        .captions = {{"roll", "watch the wrap"}}});
  s.captions_key = scene_captions_key(s);  // written for this scene
  EXPECT_EQ(scene_from_json(scene_to_json(s)), s);
}

TEST(Scene, CaptionsApplyOnlyToTheSceneTheyWereWrittenFor) {
  Scene written = scene_from_json(nlohmann::json{{"n", 16}, {"g", 4}, {"captions", {{"roll", "watch the wrap"}}}});
  EXPECT_TRUE(scene_captions_apply(written));
  Scene retitled = written;
  retitled.title = "another title";
  EXPECT_TRUE(scene_captions_apply(retitled)) << "a title is not what the captions describe";
  Scene longer = written;
  longer.n = 32;
  EXPECT_FALSE(scene_captions_apply(longer));
  EXPECT_FALSE(scene_to_json(longer).contains("captions")) << "an edited scene is saved without them";
  EXPECT_FALSE(scene_captions_apply(test_scene({.captions = {{"roll", "no scene was named for these"}}})));
}

TEST(Scene, FileErrorsNameTheProblem) {
  const auto dir = std::filesystem::temp_directory_path() / "attnscope_scene_test";
  std::filesystem::create_directories(dir);
  auto load_error = [&](const std::string& text) {
    const auto path = (dir / "scene.json").string();
    std::ofstream(path) << text;
    try {
      scene_load(path);
    } catch (const SceneError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(load_error("{\"n\": 16,").find("is not valid JSON"), std::string::npos);
  EXPECT_NE(load_error("{\"n\": \"16\"}").find("n: expected a whole number"), std::string::npos);
  EXPECT_NE(load_error("{\"colour\": 1}").find("colour: unknown key"), std::string::npos);
  EXPECT_NE(load_error("[1, 2]").find("one JSON object"), std::string::npos);
  EXPECT_NE(load_error("{\"seed\": -1}").find("seed: expected a non-negative"), std::string::npos);
  EXPECT_EQ(load_error("{\"variant\": \"short\", \"n\": 8, \"g\": 2}"), "");
  EXPECT_NE(std::string([&] {
              try {
                scene_load((dir / "missing.json").string());
              } catch (const SceneError& e) {
                return std::string(e.what());
              }
              return std::string();
            }()).find("cannot open"),
            std::string::npos);
}

TEST(Scene, SaveIsAtomicAndReloads) {
  const auto path = (std::filesystem::temp_directory_path() / "attnscope_saved_scene.json").string();
  const Scene s = test_scene({.n = 24, .g = 6});
  scene_save(s, path);
  EXPECT_EQ(scene_load(path), s);
  size_t leftovers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
    leftovers += entry.path().filename().string().find(".attnscope_saved_scene.json.") == 0;
  EXPECT_EQ(leftovers, 0u);
  EXPECT_THROW(scene_save(s, "/nonexistent-dir/scene.json"), std::runtime_error);
}

// The scene builder of the tests leaves every field it is not given at the Scene default.
TEST(Scene, TestScenesStartFromTheDefaults) { EXPECT_EQ(test_scene(), Scene{}); }

TEST(Policy, CellsFollowTheRule) {
  const Policy prefix = policy_parse("prefix:3", 6);
  EXPECT_TRUE(policy_allows(prefix, 0, 2));
  EXPECT_FALSE(policy_allows(prefix, 0, 3));
  EXPECT_TRUE(policy_allows(prefix, 4, 4));
  const Policy docs = policy_parse("documents:2,4", 6);
  EXPECT_FALSE(policy_allows(docs, 3, 1));
  EXPECT_TRUE(policy_allows(docs, 3, 2));
  for (const std::string text : {"causal", "bidirectional", "prefix:3", "documents:2,4"}) {
    const Policy p = policy_parse(text, 6);
    EXPECT_EQ(policy_name(p), text);
    const RowRuns cells = policy_allowed_cells(p, 6);
    for (int q = 0; q < 6; ++q)
      for (int k = 0; k < 6; ++k) EXPECT_EQ(cells.contains(q, k), policy_allows(p, q, k)) << text;
  }
  EXPECT_THROW(policy_parse("documents:2,3", 6), SceneError);
  EXPECT_THROW(policy_parse("sideways", 6), SceneError);
}

TEST(Policy, LeaksAreJudgedAgainstThePolicy) {
  Scene s;  // classroom s2: leaks (0,14) (0,15) (1,14) (1,15) under causal
  s.policy = "bidirectional";
  EXPECT_EQ(analyze(s)->metrics.total_leaks, 0);
  s.policy = "prefix:16";
  EXPECT_EQ(analyze(s)->metrics.total_leaks, 0);
  // The shifted head's group {6,7,8,9} straddles the document boundary at 8: queries 8 and 9
  // read keys 6 and 7 of the other document, on top of the four wrapped cells.
  s.policy = "documents:8,8";
  EXPECT_EQ(analyze(s)->metrics.total_leaks, 8);
  EXPECT_TRUE(analyze(s)->leaks_at(1, 8, 6));
  EXPECT_FALSE(analyze(s)->leaks_at(0, 8, 6));
  s.policy = "causal";
  EXPECT_EQ(analyze(s)->metrics.total_leaks, 4);
}

}  // namespace
}  // namespace attnscope
