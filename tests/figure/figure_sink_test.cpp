// A weights figure of a scene with GPT-OSS's learned sink says how much of each drawn row the sink
// takes: the numbers come from a reference softmax with one more column that has no value,
// written with plain loops here.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

constexpr double kSinks[] = {0.8, -1.5};

Scene sink_scene() {
  Scene scene;
  scene.variant = "window";
  scene.n = 12;
  scene.heads = 2;
  scene.d = 4;
  scene.seed = 3;
  scene.params["window"] = "5";
  scene.params["sink-logit"] = "0.8,-1.5";
  return scene;
}

// The sink's share of row q of head h: exp(s) / (exp(s) + Σ over the window's keys exp(score)).
double reference_share(const Analysis& a, int h, int q) {
  const Qkv& qkv = a.qkv;
  double total = std::exp(kSinks[h]);
  for (int k = std::max(0, q - 4); k <= q; ++k) {
    double s = 0;
    for (int i = 0; i < a.scene.d; ++i) s += double(qkv.row(0, q, Qkv::Q, h)[i]) * qkv.row(0, k, Qkv::K, h)[i];
    total += std::exp(s / std::sqrt(double(a.scene.d)));
  }
  return std::exp(kSinks[h]) / total;
}

TEST(FigureSink, WeightsFigureStatesTheSinksShareOfTheRows) {
  const auto a = analyze(sink_scene());
  const std::string text = test::all_text(figure::view_heatmap(*a, {}));
  for (int h = 0; h < 2; ++h) {
    double least = 1, most = 0, total = 0;
    for (int q = 0; q < 12; ++q) {
      const double share = reference_share(*a, h, q);
      least = std::min(least, share);
      most = std::max(most, share);
      total += share;
    }
    ASSERT_GT(most, 0.01) << "the sink takes a visible share in this scene";
    const std::string expected = fmt::format("head {} {:.2f}\u2013{:.2f} (mean {:.2f})", h, least, most, total / 12);
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in: " << text;
  }
  EXPECT_NE(text.find("sum to 1 minus it"), std::string::npos);
}

TEST(FigureSink, NoSinkNoSentence) {
  Scene scene = sink_scene();
  scene.params.erase("sink-logit");
  EXPECT_EQ(test::all_text(figure::view_heatmap(*analyze(scene), {})).find("learned sink"), std::string::npos);
}

}  // namespace
}  // namespace attnscope
