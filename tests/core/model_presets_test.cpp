// The model presets (assets/scenes/models): at classroom size every layer's every head equals the
// rule of its configuration, written here with plain loops; at real size, the configuration's
// numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include "core/analysis/stack_model.hpp"
#include "core/scene/qkv.hpp"
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

// Quest's page rule (evaluation/quest_attention.py) at decode: a query past the prompt scores each
// page of its prefix by sum_i max(q_i max_i, q_i min_i) over the page's keys and reads the
// max(3, budget // page) best pages (ties to the earlier page); a prompt query reads its prefix.
std::vector<std::set<int>> quest_rows(const Scene& s, int head, int prompt, int page, int budget) {
  const Qkv qkv = qkv_generate(s);
  std::vector<std::set<int>> rows(s.n);
  for (int q = 0; q < s.n; ++q) {
    if (q < prompt) {
      for (int k = 0; k <= q; ++k) rows[q].insert(k);
      continue;
    }
    const int pages = q / page + 1;
    std::vector<float> score(pages, 0.f);
    for (int j = 0; j < pages; ++j)
      for (int i = 0; i < s.d; ++i) {
        float hi = -std::numeric_limits<float>::infinity(), lo = std::numeric_limits<float>::infinity();
        for (int k = j * page; k < std::min((j + 1) * page, q + 1); ++k) {
          hi = std::max(hi, qkv.row(0, k, Qkv::K, head)[i]);
          lo = std::min(lo, qkv.row(0, k, Qkv::K, head)[i]);
        }
        const float qi = qkv.row(0, q, Qkv::Q, head)[i];
        score[j] += std::max(qi * hi, qi * lo);
      }
    const int keep = std::min(std::max(3, std::min(q + 1, budget) / page), pages);
    std::set<int> chosen;
    for (int round = 0; round < keep; ++round) {
      int pick = -1;
      for (int j = 0; j < pages; ++j)
        if (!chosen.count(j) && (pick < 0 || score[j] > score[pick])) pick = j;
      chosen.insert(pick);
    }
    for (int j : chosen)
      for (int k = j * page; k < std::min((j + 1) * page, q + 1); ++k) rows[q].insert(k);
  }
  return rows;
}

TEST(ModelPresets, QuestLeavesTheFirstTwoLayersDense) {
  // quest_attention.py forward: `if q_len > 1 or self.layer_id < 2: return self.flash_forward(...)`.
  const Scene scene = scene_load(preset("quest_longchat_7b_classroom"));
  std::vector<std::vector<std::set<int>>> quest;  // per head, of a Quest layer's scene
  for (int h = 0; h < scene.heads; ++h) quest.push_back(quest_rows(stack_layer_scene(scene, 2), h, 48, 2, 8));
  expect_rule("quest_longchat_7b", 32, [&](int l, int h, int q, int k) {
    return l < 2 ? causal(q, k) : quest[h][q].count(k) == 1;
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
  const Scene quest = scene_load(preset("quest_longchat_7b"));
  EXPECT_EQ(quest.n, 32768);
  EXPECT_EQ(quest.heads, 32);
  EXPECT_EQ(scene_stack(quest).layers, 32);
  for (int layer : {0, 1}) EXPECT_EQ(stack_layer_scene(quest, layer).variant, "full");
  for (int layer : {2, 31}) {
    const Scene quest_layer = stack_layer_scene(quest, layer);
    EXPECT_EQ(quest_layer.variant, "quest");
    EXPECT_EQ(quest_layer.params.at("page"), "16");
    EXPECT_EQ(quest_layer.params.at("budget"), "1024");
  }
  const Scene longlora = scene_load(preset("longlora_llama2_7b"));
  EXPECT_EQ(longlora.g, longlora.n / 4);
  EXPECT_EQ(scene_stack(longlora).layers, 32);
}

}  // namespace
}  // namespace attnscope
