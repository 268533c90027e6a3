// The model presets (assets/scenes/models): at classroom size every layer's every head equals the
// rule of its configuration, written here with plain loops; at real size, the configuration's
// numbers.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "core/analysis/stack_model.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {
namespace {

std::string preset(const std::string& name) { return std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/models/" + name + ".json"; }

using Rule = std::function<bool(int layer, int head, int q, int k)>;

void expect_rule(const std::string& name, int layers, const Rule& rule) {
  const Scene scene = scene_load(preset(name + "_classroom"));
  const StackModel model = stack_model(scene, {});
  ASSERT_EQ(model.layers(), layers) << name;
  int wrong = 0;
  for (int l = 0; l < layers; ++l)
    for (int h = 0; h < scene.heads; ++h)
      for (int q = 0; q < scene.n; ++q)
        for (int k = 0; k < scene.n; ++k)
          if (model.layer(l).allowed(h, q, k) != rule(l, h, q, k) && ++wrong <= 5)
            ADD_FAILURE() << name << " layer " << l << " head " << h << " cell (" << q << ", " << k << ")";
  EXPECT_EQ(wrong, 0) << name;
}

bool causal(int q, int k) { return k <= q; }
// transformers' sliding_window_overlay: kv_idx > q_idx - sliding_window.
bool sliding(int q, int k, int window) { return k <= q && k > q - window; }

TEST(ModelPresets, MistralSlidesInEveryLayer) {
  expect_rule("mistral_7b", 32, [](int, int, int q, int k) { return sliding(q, k, 8); });
}

TEST(ModelPresets, Gemma2AlternatesFromASlidingLayer0) {
  // modeling_gemma2: is_sliding = not bool(layer_idx % 2).
  expect_rule("gemma2_9b", 42, [](int l, int, int q, int k) { return l % 2 == 0 ? sliding(q, k, 32) : causal(q, k); });
}

TEST(ModelPresets, Gemma3GlobalEverySixthLayer) {
  // configuration_gemma3: layer i slides unless (i + 1) % sliding_window_pattern == 0.
  expect_rule("gemma3_27b", 62, [](int l, int, int q, int k) { return (l + 1) % 6 != 0 ? sliding(q, k, 4) : causal(q, k); });
}

TEST(ModelPresets, GptOssAlternates) {
  for (const auto& [name, layers] : {std::pair{"gpt_oss_20b", 24}, std::pair{"gpt_oss_120b", 36}})
    expect_rule(name, layers, [](int l, int, int q, int k) { return l % 2 == 0 ? sliding(q, k, 4) : causal(q, k); });
}

TEST(ModelPresets, Llama4ChunksWhereRopeIsOn) {
  // configuration_llama4: no_rope_layers[i] = int((i + 1) % no_rope_layer_interval != 0), and 1
  // means the layer uses RoPE and chunked attention; 0 marks the global NoPE layers.
  expect_rule("llama4_scout", 48, [](int l, int, int q, int k) {
    const int no_rope_layers = (l + 1) % 4 != 0;
    return no_rope_layers == 1 ? causal(q, k) && k / 8 == q / 8 : causal(q, k);
  });
}

TEST(ModelPresets, DuoFollowsTheGateFileLayerByLayer) {
  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/assets/scenes/models/gates/llama3.1_8b_full_attention_heads.tsv");
  std::vector<std::vector<double>> alpha;
  for (std::string line; std::getline(in, line);) {
    std::istringstream row(line);
    alpha.emplace_back();
    for (double a; row >> a;) alpha.back().push_back(a);
  }
  ASSERT_EQ(alpha.size(), 32u);
  ASSERT_EQ(alpha[0].size(), 8u);
  // 8 query heads over 8 KV heads; retrieval heads (alpha >= 0.5) read every earlier key, the
  // others 2 sinks and the last 8 keys.
  expect_rule("duo_llama3_8b", 32, [&](int l, int h, int q, int k) {
    return alpha[l][h] >= 0.5 ? causal(q, k) : causal(q, k) && (k < 2 || q - k < 8);
  });
}

TEST(ModelPresets, LongLoraShiftsHalfOfTheHeadsInEveryLayer) {
  // forward_noflashattn: heads H/2.. rolled by -G/2, causal inside groups of G in the rolled
  // frame; token t sits in slot (t - G/2) mod N there.
  const int n = 64, g = 16;
  expect_rule("longlora_llama2_7b", 32, [&](int, int h, int q, int k) {
    if (h < 1) return causal(q, k) && q / g == k / g;
    const int sq = ((q - g / 2) % n + n) % n, sk = ((k - g / 2) % n + n) % n;
    return sq / g == sk / g && sk <= sq;
  });
}

TEST(ModelPresets, RealSizesAreTheConfigurations) {
  struct Real {
    const char* name;
    int n, heads, layers;
    const char* layer0;  // variant and its parameter of layer 0
    int global_layer;    // a layer that reads every earlier key
  };
  for (const Real& r : {Real{"mistral_7b", 32768, 32, 32, "window=4096", -1},
                        Real{"gemma2_9b", 8192, 16, 42, "window=4096", 1},
                        Real{"gemma3_27b", 131072, 32, 62, "window=1024", 5},
                        Real{"gpt_oss_20b", 131072, 64, 24, "window=128", 1},
                        Real{"gpt_oss_120b", 131072, 64, 36, "window=128", 1},
                        Real{"llama4_scout", 131072, 40, 48, "block=8192", 3}}) {
    const Scene scene = scene_load(preset(r.name));
    EXPECT_EQ(scene.n, r.n) << r.name;
    EXPECT_EQ(scene.heads, r.heads) << r.name;
    EXPECT_EQ(scene_stack(scene).layers, r.layers) << r.name;
    const std::string param = r.layer0;
    const std::string key = param.substr(0, param.find('='));
    EXPECT_EQ(scene.params.at(key), param.substr(param.find('=') + 1)) << r.name;
    if (r.global_layer >= 0) EXPECT_EQ(stack_layer_scene(scene, r.global_layer).variant, "full") << r.name;
  }
  const Scene longlora = scene_load(preset("longlora_llama2_7b"));
  EXPECT_EQ(longlora.g, longlora.n / 4);
  EXPECT_EQ(scene_stack(longlora).layers, 32);
}

}  // namespace
}  // namespace attnscope
