// Structure without values: closed forms at LongLoRA's real length (N = 131072, G = 32768,
// H = 32), agreement of the structure-only analysis with the value-computing one at small N for
// every variant, on-demand values, the SFT path's G > N, and the memory the structure takes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/analysis/analysis.hpp"
#include "core/analysis/values_window.hpp"
#include "core/reach/reach.hpp"
#include "tests/core/child_rss.hpp"
#include "tests/support/preset_files.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

using test::structure_only;

Scene longlora_scene(const std::string& variant) {
  return test::test_scene({.variant = variant, .n = 131072, .heads = 32, .g = 32768});
}

int64_t triangle(int64_t m) { return m * (m + 1) / 2; }

TEST(LazyStructure, S2AtLongLoRALengthLeaksHalfGroupSquaredPerShiftedHead) {
  const auto a = analyze(longlora_scene("s2"), structure_only());
  ASSERT_FALSE(a->has_values());
  const int64_t n = 131072, g = 32768, half = g / 2;
  for (int h = 0; h < 32; ++h) {
    EXPECT_EQ(a->metrics.heads[h].leaks, h < 16 ? 0 : half * half) << "head " << h;
    // Every head: N/G groups, each causal in its own frame.
    EXPECT_EQ(a->metrics.heads[h].allowed, n / g * triangle(g)) << "head " << h;
  }
  EXPECT_EQ(a->metrics.total_leaks, int64_t{16} * 16384 * 16384);  // 4294967296, past 2^31
  EXPECT_EQ(a->metrics.policy_cells, triangle(n));
  // Unshifted heads: one run per row. Shifted heads: the wrapped group's first G/2 rows read
  // their own prefix and the tail [N-G/2, N): two runs.
  EXPECT_EQ(a->mask(0).run_count(), n);
  EXPECT_EQ(a->mask(16).run_count(), n + half);
  // Heads with one layout share one mask, and so their leaks.
  EXPECT_TRUE(a->mask(0).shares_storage(a->mask(15)));
  EXPECT_TRUE(a->mask(16).shares_storage(a->mask(31)));
  EXPECT_TRUE(a->leaks[16].shares_storage(a->leaks[31]));
  EXPECT_TRUE(a->leaks[16].contains(0, static_cast<int>(n - 1)));
  EXPECT_FALSE(a->leaks[16].contains(static_cast<int>(half), static_cast<int>(n - 1)));
}

TEST(LazyStructure, AllowedCountsFollowEachVariantsFormula) {
  const int64_t n = 131072, g = 32768, s = g / 2;
  {
    const auto a = analyze(longlora_scene("s2-fix-split"), structure_only());
    EXPECT_EQ(a->metrics.heads[0].allowed, n / g * triangle(g));
    // [0, s), N/G - 1 whole groups, [N - s, N).
    EXPECT_EQ(a->metrics.heads[31].allowed, 2 * triangle(s) + (n / g - 1) * triangle(g));
    EXPECT_EQ(a->metrics.total_leaks, 0);
  }
  {
    Scene scene = longlora_scene("full");
    const auto a = analyze(scene, structure_only());
    EXPECT_EQ(a->metrics.heads[7].allowed, triangle(n));
    EXPECT_DOUBLE_EQ(a->metrics.coverage, 1.0);
  }
  {
    Scene scene = longlora_scene("window");
    scene.params["window"] = "4096";
    const auto a = analyze(scene, structure_only());
    const int64_t w = 4096;
    EXPECT_EQ(a->metrics.heads[3].allowed, triangle(w) + (n - w) * w);
  }
  {
    Scene scene = longlora_scene("strided");
    scene.heads = 4;
    scene.params["stride"] = "2048";
    const auto a = analyze(scene, structure_only());
    const int64_t l = 2048;
    int64_t strided = 0;  // odd heads: q / l + 1 keys per row
    for (int64_t q = 0; q < n; ++q) strided += q / l + 1;
    EXPECT_EQ(a->metrics.heads[0].allowed, triangle(l) + (n - l) * l);
    EXPECT_EQ(a->metrics.heads[1].allowed, strided);
    EXPECT_TRUE(a->mask(1).shares_storage(a->mask(3)));
  }
  {
    Scene scene = longlora_scene("short");
    const auto a = analyze(scene, structure_only());
    EXPECT_EQ(a->metrics.union_allowed, n / g * triangle(g));
  }
}

TEST(LazyStructure, ReceptiveFieldOfS2GrowsByHalfAGroupPerLayer) {
  const auto a = analyze(longlora_scene("s2"), structure_only());
  const Reach one = reach_compute(a->build.masks, 1);
  const Reach four = reach_compute(a->build.masks, 4);
  // The last token reads its whole group, then each layer adds the half group the shifted
  // heads bridge to: G, then G + 3·G/2 after four layers.
  EXPECT_EQ(one.counts.back(), 32768);
  EXPECT_EQ(four.counts.back(), 32768 + 3 * 16384);
  EXPECT_EQ(four.counts.front(), 65537);
}

// Every preset scene: the structure-only analysis gives the value path's masks, leaks, metrics
// and provenance, and its on-demand values agree with the stored ones.
TEST(LazyStructure, StructureOnlyMatchesTheValuePathForEveryPreset) {
  int checked = 0;
  for (const auto& path : test::preset_files()) {
    Scene scene = scene_load(path.string());
    if (scene.n > 2048) continue;  // the table-size preset is covered by the closed forms above
    SCOPED_TRACE(path.filename().string());
    ++checked;
    const auto values = analyze(scene);
    const auto lazy = analyze(scene, structure_only());
    ASSERT_TRUE(values->has_values());
    for (int h = 0; h < scene.heads; ++h) {
      EXPECT_EQ(lazy->mask(h), values->mask(h));
      EXPECT_EQ(lazy->leaks[h], values->leaks[h]);
      EXPECT_EQ(lazy->metrics.heads[h].allowed, values->metrics.heads[h].allowed);
    }
    EXPECT_EQ(lazy->metrics.union_allowed, values->metrics.union_allowed);
    EXPECT_EQ(lazy->metrics.policy_covered, values->metrics.policy_covered);
    ASSERT_EQ(lazy->trace().steps.size(), values->trace().steps.size());
    for (size_t i = 0; i < lazy->trace().steps.size(); ++i) {
      EXPECT_EQ(lazy->trace().steps[i].tokens, values->trace().steps[i].tokens);
      EXPECT_EQ(lazy->trace().steps[i].groups, values->trace().steps[i].groups);
    }
    const int n = scene.n;
    for (int h = 0; h < scene.heads; ++h)
      for (int q = 0; q < n; q += std::max(1, n / 64)) {
        const RowValues row = row_values(*lazy, 0, h, q);
        ASSERT_EQ(static_cast<int64_t>(row.weights.size()), values->mask(h).row_count(q));
        int64_t c = 0;
        for (const attnscope::Run r : values->mask(h).row(q))
          for (int k = r.begin; k < r.end; ++k, ++c) {
            ASSERT_NEAR(row.weights[c], values->weight(0, h, q, k), 2e-6) << "h " << h << " q " << q << " k " << k;
            ASSERT_NEAR(row.scores[c], values->score(0, h, q, k), 2e-5);
          }
      }
  }
  EXPECT_GE(checked, 20);  // one preset per variant and the S2 lesson
}

TEST(LazyStructure, ValuesWindowHoldsTheWeightsOfTheRowsShown) {
  const Scene scene = test::test_scene({.n = 256, .heads = 4, .g = 64});
  const auto values = analyze(scene);
  const auto lazy = analyze(scene, structure_only());
  const ValuesWindow window = values_window(*lazy, 0, 3, 10, 40, 200, 256);
  for (int q = 10; q < 40; ++q)
    for (int k = 200; k < 256; ++k) {
      EXPECT_NEAR(window.weight(q, k), values->weight(0, 3, q, k), 2e-6);
      EXPECT_EQ(std::isnan(window.scores[(q - 10) * window.keys() + (k - 200)]), !values->allowed(3, q, k));
    }
  // Analysis::weight works without stored values too.
  EXPECT_NEAR(lazy->weight(0, 3, 5, 250), values->weight(0, 3, 5, 250), 2e-6);
  EXPECT_GT(lazy->weight(0, 3, 5, 250), 0.f);  // a leaking cell of the shifted head
}

TEST(LazyStructure, RowValuesAtLongLoRALengthSumToOne) {
  const auto a = analyze(longlora_scene("s2"), structure_only());
  for (int q : {0, 16383, 131071}) {
    const RowValues row = row_values(*a, 0, 31, q);
    double sum = 0;
    for (float w : row.weights) sum += w;
    EXPECT_EQ(static_cast<int64_t>(row.weights.size()), a->mask(31).row_count(q));
    EXPECT_NEAR(sum, 1.0, 1e-4) << "q " << q;
  }
}

// llama_attn_replace_sft.py: G = N/4 when N is a multiple of 4096, else 8192; unshifted
// boundaries range(0, N, G) + [N]; shifted [0] + [t + G//2 for t in range(0, N, G) if < N] + [N].
TEST(LazyStructure, SftPathSegmentsFollowTheRepositoryCode) {
  for (int n : {1000, 4096, 6000, 9000, 12288, 20000}) {
    const int g = n % 4096 == 0 ? n / 4 : 8192;
    std::vector<int> unshifted, shifted = {0};
    for (int t = 0; t < n; t += g) unshifted.push_back(t);
    for (int t = 0; t < n; t += g)
      if (t + g / 2 < n) shifted.push_back(t + g / 2);
    const auto a = analyze(test::test_scene({.variant = "s2-fix-split", .n = n, .heads = 2, .g = g}), structure_only());
    SCOPED_TRACE(n);
    EXPECT_EQ(a->build.frame->heads[0].segment_starts, unshifted);
    EXPECT_EQ(a->build.frame->heads[1].segment_starts, shifted);
    EXPECT_EQ(a->metrics.total_leaks, 0);
    if (n <= g / 2) EXPECT_EQ(a->metrics.heads[1].allowed, triangle(n));  // plain causal
  }
  // The roll path still needs G <= N.
  EXPECT_THROW(scene_validate(test::test_scene({.variant = "s2", .n = 16, .g = 32})), SceneError);
}

// Peak resident size of a child process that analyses the structure at N = 131072, H = 32.
TEST(LazyStructure, LongLoRAStructureFitsInAGenerousBound) {
  const test::ChildReport report = test::run_in_child([] {
    const auto a = analyze(longlora_scene("s2"), structure_only());
    return static_cast<long>(reach_compute(a->build.masks, 4).counts.back());
  });
  EXPECT_EQ(report.value, 81920);
  EXPECT_LT(report.peak_rss_kib, 512L * 1024L) << "peak resident size in KiB";
  RecordProperty("peak_rss_kib", std::to_string(report.peak_rss_kib));
}

// Strided and fixed heads hold 24 M single-key runs after one layer; their four-layer receptive
// field is every causal prefix, found without storing those runs.
TEST(LazyStructure, SparseTransformerReachAtN131072StaysSmall) {
  for (const char* variant : {"strided", "fixed"}) {
    const test::ChildReport report = test::run_in_child([variant] {
      const auto a = analyze(longlora_scene(variant), structure_only());
      const Reach reach = reach_compute(a->build.masks, 4);
      const bool prefixes = reach.counts[0] == 1 && reach.counts[65535] == 65536 && reach.counts.back() == 131072;
      return static_cast<long>(prefixes ? reach.saturated_at : -2);
    });
    EXPECT_EQ(report.value, 2) << variant << ": every prefix, no growth after layer 2";
    EXPECT_LT(report.peak_rss_kib, 256L * 1024L) << variant << ": peak resident size in KiB";
    RecordProperty(std::string(variant) + "_peak_rss_kib", std::to_string(report.peak_rss_kib));
  }
}

}  // namespace
}  // namespace attnscope
