// `export --view stack`: each layer's header names its variant by the one rule the figures'
// subtitles use (variant_params_text: "window · window=4", never "window window=4"), and the leak
// mark is explained only when a drawn layer has a leak.
#include <gtest/gtest.h>

#include "core/figure/matrix_panel.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/params_text.hpp"
#include "core/scene/stack.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

using test::has_text;
using test::items_of;

Scene stack_scene(const std::string& stack, int layers, int n) {
  Scene scene;
  scene.n = n;
  scene.heads = 2;
  scene.stack = stack_to_json(stack_parse(stack)).dump();
  return stack_with_layers(scene, layers);
}

bool mentions(const figure::Figure& fig, const std::string& part) {
  for (const auto* t : items_of<figure::Text>(fig))
    if (t->text.find(part) != std::string::npos) return true;
  return false;
}

TEST(FigureStack, HeadersUseTheSubtitlesRuleForEachLayer) {
  const Scene scene = stack_scene("window:window=4*2,full", 3, 16);
  const figure::Figure fig = figure::view_stack(*analyze(scene), {});
  for (int layer = 0; layer < 3; ++layer) {
    const auto one = analyze(stack_layer_scene(scene, layer));
    EXPECT_TRUE(has_text(fig, std::to_string(layer) + " \u00b7 " + variant_params_text(*one))) << "layer " << layer;
    // The same words the layer's own heatmap figure has in its subtitle.
    EXPECT_NE(figure::scene_summary(*one).find(variant_params_text(*one).substr(one->scene.variant.size())),
              std::string::npos);
  }
  EXPECT_TRUE(has_text(fig, "0 \u00b7 window \u00b7 window=4"));
  EXPECT_TRUE(has_text(fig, "2 \u00b7 full"));
  EXPECT_FALSE(mentions(fig, "window window=")) << "the variant's name is not run into its parameter";
}

TEST(FigureStack, NoLeakLegendWithoutLeaks) {
  const Scene clean = stack_scene("window:window=4*2,full", 3, 16);
  const auto a = analyze(clean);
  EXPECT_FALSE(has_text(figure::view_stack(*a, {}), figure::leak_legend_label(a->scene.policy)));

  const Scene leaky = stack_scene("s2:g=4,full", 2, 16);  // S2's wrapped groups read later tokens
  const auto b = analyze(leaky);
  EXPECT_TRUE(has_text(figure::view_stack(*b, {}), figure::leak_legend_label(b->scene.policy)));
}

}  // namespace
}  // namespace attnscope
