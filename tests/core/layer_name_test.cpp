// One rule names a model stack's layer everywhere: the variant, " · " and each parameter that shaped
// its mask, " (heads of their own)" when some heads follow another entry; a name longer than its
// column is cut after its last whole parameter that fits, marked " …".
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/analysis/stack_model.hpp"
#include "core/presentation/params_text.hpp"

namespace attnscope {
namespace {

TEST(LayerName, VariantThenEachParameter) {
  Scene scene;
  scene.n = 32;
  scene.heads = 2;
  scene.stack = nlohmann::json{{"pattern", {{{"variant", "window"}, {"window", 4}}, {{"variant", "full"}}}},
                               {"layers", 2}}
                    .dump();
  const StackModel model = stack_model(scene, {.values = false});
  EXPECT_EQ(stack_layer_text(model.layer(0)), "window \u00b7 window=4");
  EXPECT_EQ(stack_layer_text(model.layer(1)), "full");
}

TEST(LayerName, HeadsOfTheirOwnAreNamed) {
  const nlohmann::json j = {{"n", 16}, {"heads", 4},
                            {"stack", {{"pattern", {{{"variant", "streaming"}, {"sinks", 1}, {"window", 2},
                                                     {"heads", {{"2", {{"variant", "full"}}}}}},
                                                    {{"variant", "full"}}}},
                                       {"layers", 2}}}};
  const StackModel model = stack_model(scene_from_json(j), {.values = false});
  const std::string first = stack_layer_text(model.layer(0));
  EXPECT_EQ(first.rfind("streaming \u00b7 ", 0), 0u) << first;
  EXPECT_NE(first.find("sinks=1"), std::string::npos) << first;
  EXPECT_NE(first.find("window=2"), std::string::npos) << first;
  EXPECT_EQ(first.substr(first.size() - 21), " (heads of their own)") << first;
  EXPECT_EQ(stack_layer_text(model.layer(1)), "full");
}

TEST(LayerName, LongNamesAreCutAtAParameter) {
  const std::string name = "quest \u00b7 prompt=32640 \u00b7 page=16 \u00b7 budget=1024";  // 44 columns
  EXPECT_EQ(text_columns(name), 44);
  EXPECT_EQ(text_fitted(name, 44), name);
  // 40 columns: "quest · prompt=32640 · page=16" (30) and " …" (2) fit, with budget they would not.
  EXPECT_EQ(text_fitted(name, 40), "quest \u00b7 prompt=32640 \u00b7 page=16 \u2026");
  EXPECT_EQ(text_fitted(name, 31), "quest \u00b7 prompt=32640 \u2026");
  EXPECT_EQ(text_fitted(name, 22), "quest \u00b7 prompt=32640 \u2026");
  EXPECT_EQ(text_fitted(name, 21), "quest \u2026");
  // Not even the variant and the mark fit: the first columns.
  EXPECT_EQ(text_fitted(name, 4), "ques");
}

}  // namespace
}  // namespace attnscope
