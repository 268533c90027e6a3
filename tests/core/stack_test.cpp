// Model stacks: the flag and file forms, each layer's scene, and bad stacks named in one line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/analysis/stack_model.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {
namespace {

Scene stacked(const std::string& text, int n = 16, int heads = 2) {
  Scene scene;
  scene.n = n;
  scene.heads = heads;
  scene.stack = stack_to_json(stack_parse(text)).dump();
  return stack_layer_scene(scene, 0);
}

TEST(Stack, FlagFormRepeatsAndCuts) {
  const Scene scene = stack_with_layers(stacked("window:window=4*2,full"), 8);
  const Stack stack = scene_stack(scene);
  EXPECT_EQ(stack.layers, 8);
  ASSERT_EQ(stack.pattern.size(), 3u);
  for (int l = 0; l < 8; ++l) {
    const Scene layer = stack_layer_scene(scene, l);
    EXPECT_EQ(layer.variant, l % 3 == 2 ? "full" : "window") << l;
    if (l % 3 != 2) EXPECT_EQ(layer.params.at("window"), "4") << l;
    EXPECT_EQ(layer.layer, l);
    EXPECT_EQ(layer.n, 16);
  }
}

TEST(Stack, FileFormEqualsFlagForm) {
  const nlohmann::json j = {{"pattern", {{{"variant", "window"}, {"window", 4}, {"repeat", 2}}, {{"variant", "full"}}}},
                            {"layers", 3}};
  EXPECT_EQ(stack_from_json(j), stack_parse("window:window=4*2,full"));
  // Written back in the form a user writes, and read back the same.
  EXPECT_EQ(stack_to_json(stack_from_json(j)), j);
}

TEST(Stack, SceneFilesCarryTheStack) {
  nlohmann::json j = {{"n", 32}, {"heads", 2}, {"layer", 2},
                      {"stack", {{"pattern", {{{"variant", "block"}, {"block", 8}, {"repeat", 3}}, {{"variant", "full"}}}},
                                 {"layers", 8}}}};
  const Scene scene = scene_from_json(j);
  EXPECT_EQ(scene.variant, "block");
  EXPECT_EQ(scene.params.at("block"), "8");
  EXPECT_EQ(scene_from_json(scene_to_json(scene)), scene);
  EXPECT_NO_THROW(scene_validate(scene));
  j["layer"] = 3;
  EXPECT_EQ(scene_from_json(j).variant, "full");
}

TEST(Stack, HeadsOfTheirOwn) {
  nlohmann::json j = {{"n", 16}, {"heads", 4},
                      {"stack", {{"pattern", {{{"variant", "streaming"}, {"sinks", 1}, {"window", 2},
                                               {"heads", {{"2", {{"variant", "full"}}}}}}}}}}};
  const auto a = analyze(scene_from_json(j), {.values = false});
  for (int h = 0; h < 4; ++h)
    for (int q = 0; q < 16; ++q)
      for (int k = 0; k < 16; ++k) {
        const bool expected = k <= q && (h == 2 || k < 1 || q - k < 2);
        EXPECT_EQ(a->allowed(h, q, k), expected) << h << " " << q << " " << k;
      }
}

TEST(Stack, BadStacksSayWhatIsWrong) {
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& c : {Case{"window:window=4*0", "repeats 0 times"}, Case{":window=4", "names no variant"},
                        Case{"window:window", "is not key=value"}, Case{"window:nosuch=3", "'nosuch' is not a variant"},
                        Case{"window:window=x", "window"}}) {
    try {
      stack_parse(c.text);
      ADD_FAILURE() << c.text << " was accepted";
    } catch (const SceneError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << c.text << ": " << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
  // Valid text, a layer the scene refuses: named by its layer.
  Scene scene = stacked("full,window:window=40", 16);
  try {
    scene_validate(scene);
    ADD_FAILURE() << "a window wider than N was accepted";
  } catch (const SceneError& e) {
    EXPECT_NE(std::string(e.what()).find("stack layer 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(stack_with_layers(scene, 0), SceneError);
  EXPECT_THROW(stack_layer_scene(scene, 2), SceneError);
}

TEST(Stack, ModelAnalysesEqualLayersOnce) {
  const Scene scene = stack_with_layers(stacked("window:window=3*5,full", 24), 62);
  const StackModel model = stack_model(scene, {});
  EXPECT_EQ(model.layers(), 62);
  EXPECT_EQ(model.analyses.size(), 2u);
  EXPECT_EQ(model.layer(5).scene.variant, "full");
  EXPECT_EQ(model.layer(61).scene.variant, "window");
}

}  // namespace
}  // namespace attnscope
