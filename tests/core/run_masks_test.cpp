// The run-built masks against each variant's rule written cell by cell (the papers' predicates),
// at sizes and parameters where blocks, strides and windows do not divide N evenly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "core/analysis/analysis.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using Predicate = std::function<bool(int h, int q, int k)>;

void expect_mask(const Scene& scene, const Predicate& allowed) {
  AnalyzeOptions options;
  options.values = false;
  const auto a = analyze(scene, options);
  for (int h = 0; h < scene.heads; ++h)
    for (int q = 0; q < scene.n; ++q)
      for (int k = 0; k < scene.n; ++k)
        ASSERT_EQ(a->allowed(h, q, k), allowed(h, q, k))
            << scene.variant << " head " << h << " q " << q << " k " << k;
}

TEST(RunMasks, WindowStridedFixed) {
  expect_mask(test::test_scene({.variant = "window", .n = 37, .heads = 2, .params = {{"window", "5"}}}),
              [](int, int q, int k) { return q - k >= 0 && q - k < 5; });
  expect_mask(test::test_scene({.variant = "strided", .n = 41, .heads = 4, .params = {{"stride", "6"}}}),
              [](int h, int q, int k) {
                if (k > q) return false;
                return h % 2 == 0 ? q - k < 6 : (q - k) % 6 == 0;
              });
  expect_mask(test::test_scene({.variant = "fixed", .n = 41, .heads = 4, .params = {{"stride", "6"}, {"c", "2"}}}),
              [](int h, int q, int k) {
                if (k > q) return false;
                return h % 2 == 0 ? k / 6 == q / 6 : k % 6 >= 4;
              });
}

TEST(RunMasks, BlockLocalAndShifted) {
  expect_mask(test::test_scene({.variant = "block", .n = 30, .heads = 2, .params = {{"block", "7"}}}),
              [](int, int q, int k) { return q / 7 == k / 7 && k <= q; });
  expect_mask(
      test::test_scene({.variant = "block", .n = 30, .heads = 4, .params = {{"block", "7"}, {"layout", "shifted"}}}),
      [](int h, int q, int k) {
        if (h == 0 || q / 7 < h) return q / 7 == k / 7 && k <= q;
        return k / 7 == q / 7 - h;
      });
}

TEST(RunMasks, DilatedWithGlobalTokens) {
  for (const bool both : {false, true}) {
    auto params = std::map<std::string, std::string>{{"window", "3"}, {"dilation", "2"}, {"global", "0,9"}};
    if (both) params["bidirectional"] = "true";
    expect_mask(test::test_scene({.variant = "dilated", .n = 29, .heads = 2, .params = params}),
                [both](int, int q, int k) {
                  const int dist = both ? std::abs(q - k) : q - k;
                  const bool window = dist >= 0 && dist <= 6 && dist % 2 == 0;
                  const bool global = q == 0 || q == 9 || k == 0 || k == 9;
                  return window || (global && (both || k <= q));
                });
  }
}

TEST(RunMasks, LongNetPairs) {
  expect_mask(test::test_scene(
                  {.variant = "longnet", .n = 40, .heads = 4, .params = {{"segments", "4,8,16"}, {"ratios", "1,2,4"}}}),
              [](int h, int q, int k) {
                if (k > q) return false;
                for (auto [w, r] : {std::pair{4, 1}, {8, 2}, {16, 4}}) {
                  const int off = h / ((4 + r - 1) / r);
                  if (q / w == k / w && (q % w) % r == off && (k % w) % r == off) return true;
                }
                return false;
              });
}

TEST(RunMasks, BigBirdGlobalWindowAndRandomBlocks) {
  const Scene scene =
      test::test_scene({.variant = "bigbird", .n = 24, .heads = 2, .params = {{"block", "3"}, {"random", "1"}}});
  AnalyzeOptions options;
  options.values = false;
  const auto a = analyze(scene, options);
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 24; ++q) {
      const int i = q / 3;
      for (int k = 0; k < 24; ++k) {
        const int j = k / 3;
        if (i == 0 || i == 7 || j == 0 || j == 7 || std::abs(i - j) <= 1) {
          ASSERT_TRUE(a->allowed(h, q, k)) << h << " " << q << " " << k;
        }
      }
      // Middle rows read exactly one random block besides the global and window blocks.
      if (i > 0 && i < 7) {
        int extra = 0;
        for (int j = 1; j < 7; ++j)
          if (std::abs(i - j) > 1 && a->allowed(h, q, j * 3)) ++extra;
        EXPECT_LE(extra, 1);
      }
    }
}

}  // namespace
}  // namespace attnscope
