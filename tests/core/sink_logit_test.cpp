// GPT-OSS's sink logit: every row against a reference softmax with one more column that has no
// value, written with plain loops; stored and on-demand values alike.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/scene/sink_logit.hpp"

namespace attnscope {
namespace {

Scene sink_scene(const std::string& variant, const std::string& sinks) {
  Scene scene;
  scene.variant = variant;
  scene.n = 12;
  scene.heads = 2;
  scene.d = 4;
  scene.seed = 3;
  if (variant == "window") scene.params["window"] = "5";
  scene.params["sink-logit"] = sinks;
  return scene;
}

void expect_reference(const std::string& variant, const std::string& sinks_text, const std::vector<double>& sinks) {
  const Scene scene = sink_scene(variant, sinks_text);
  const auto stored = analyze(scene);
  const auto on_demand = analyze(scene, {.values = false});
  const Qkv& qkv = stored->qkv;
  for (int h = 0; h < scene.heads; ++h)
    for (int q = 0; q < scene.n; ++q) {
      auto allowed = [&](int k) { return k <= q && (variant == "full" || q - k < 5); };
      std::vector<double> e(scene.n, 0.0);
      double total = std::exp(sinks[h]);
      for (int k = 0; k < scene.n; ++k) {
        if (!allowed(k)) continue;
        double s = 0;
        for (int i = 0; i < scene.d; ++i) s += double(qkv.row(0, q, Qkv::Q, h)[i]) * qkv.row(0, k, Qkv::K, h)[i];
        e[k] = std::exp(s / std::sqrt(double(scene.d)));
        total += e[k];
      }
      double sum = 0;
      std::vector<double> out(scene.d, 0.0);
      for (int k = 0; k < scene.n; ++k) {
        const double w = e[k] / total;
        sum += w;
        EXPECT_NEAR(stored->weight(0, h, q, k), w, 1e-5) << variant << " head " << h << " (" << q << ", " << k << ")";
        EXPECT_NEAR(on_demand->weight(0, h, q, k), w, 1e-5) << variant << " on demand (" << q << ", " << k << ")";
        for (int i = 0; i < scene.d; ++i) out[i] += w * qkv.row(0, k, Qkv::V, h)[i];
      }
      // The row sums to 1 minus the sink's share, and the output loses the same share.
      EXPECT_NEAR(sum, 1 - std::exp(sinks[h]) / total, 1e-6);
      EXPECT_LT(sum, 1.0);
      for (int i = 0; i < scene.d; ++i) EXPECT_NEAR(stored->attention.output_at(0, q, h, i), out[i], 1e-5);
    }
}

TEST(SinkLogit, RowsMatchASoftmaxWithAnExtraColumn) {
  expect_reference("window", "0.8,-1.5", {0.8, -1.5});
  expect_reference("full", "2", {2.0, 2.0});
}

TEST(SinkLogit, ShareOfAKnownRow) {
  // Two scores of 0 and a sink of log 2: the sink takes 2 / (2 + 1 + 1) = 0.5.
  const float scores[] = {0.f, 0.f};
  EXPECT_NEAR(sink_share(scores, 2, std::log(2.f)), 0.5f, 1e-6);
  // Scores far above the sink: stable, and the sink's share vanishes.
  const float large[] = {1000.f, 999.f};
  EXPECT_NEAR(sink_share(large, 2, 0.f), 0.f, 1e-6);
}

TEST(SinkLogit, BadTextNamesTheParameter) {
  for (const char* text : {"x", "1,2,3", "nan"}) {
    try {
      scene_validate(sink_scene("window", text));
      ADD_FAILURE() << text << " was accepted";
    } catch (const SceneError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("sink-logit:", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace attnscope
