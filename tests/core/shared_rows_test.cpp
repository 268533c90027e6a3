// Masks whose rows view runs stored once (strided, fixed, BigBird) hold the cells of their
// defining predicates, and at N = 131072 with 32 heads take their distinct runs, not N²/2l.
#include <gtest/gtest.h>

#include "core/analysis/analysis.hpp"
#include "core/variants/predicate_mask.hpp"
#include "tests/core/child_rss.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

std::shared_ptr<const Analysis> structure(const std::string& variant, int n, int heads,
                                          const std::map<std::string, std::string>& params) {
  return analyze(test::test_scene({.variant = variant, .n = n, .heads = heads, .g = n, .params = params}),
                 test::structure_only());
}

TEST(SharedRows, StridedHeadsHoldTheirPredicate) {
  for (const int n : {1, 7, 16, 45})
    for (const int l : {1, 2, 3, 5, 16}) {
      if (l > n) continue;
      const auto a = structure("strided", n, 2, {{"stride", std::to_string(l)}});
      EXPECT_EQ(a->mask(0), predicate_mask(n, [&](int q, int k) { return k <= q && q - k < l; }))
          << "n=" << n << " l=" << l;
      EXPECT_EQ(a->mask(1), predicate_mask(n, [&](int q, int k) { return k <= q && (q - k) % l == 0; }))
          << "n=" << n << " l=" << l;
    }
}

TEST(SharedRows, FixedHeadsHoldTheirPredicate) {
  for (const int n : {1, 7, 16, 45})
    for (const int l : {1, 2, 5, 16})
      for (const int c : {1, 2, 4, 16}) {
        if (l > n || c > l) continue;
        const auto a = structure("fixed", n, 2, {{"stride", std::to_string(l)}, {"c", std::to_string(c)}});
        EXPECT_EQ(a->mask(0), predicate_mask(n, [&](int q, int k) { return k <= q && k / l == q / l; }))
            << "n=" << n << " l=" << l << " c=" << c;
        EXPECT_EQ(a->mask(1), predicate_mask(n, [&](int q, int k) { return k <= q && k % l >= l - c; }))
            << "n=" << n << " l=" << l << " c=" << c;
      }
}

TEST(SharedRows, BigBirdRowsOfABlockAreOneRow) {
  const auto a = structure("bigbird", 48, 3, {{"block", "4"}, {"random", "2"}});
  for (int h = 0; h < 3; ++h)
    for (int q = 0; q < 48; ++q) {
      const int first = q / 4 * 4;
      const attnscope::RowSpan row = a->mask(h).row(q), block_row = a->mask(h).row(first);
      ASSERT_TRUE(std::equal(row.begin(), row.end(), block_row.begin(), block_row.end()));
      EXPECT_TRUE(a->mask(h).same_runs(q, first)) << "row " << q << " has its own copy";
    }
}

// Strided's odd heads: q / l + 1 runs per row in the mask, N runs in storage.
TEST(SharedRows, StridedAtLongLoRALengthStoresEachResidueOnce) {
  const test::ChildReport report = test::run_in_child([] {
    const auto a = structure("strided", 131072, 32, {});
    const int64_t l = 362;  // floor(sqrt(131072))
    int64_t runs = 0;
    for (int64_t q = 0; q < 131072; ++q) runs += q / l + 1;
    // The child reports -1 when the counts are wrong (its own EXPECTs would go unseen).
    if (a->mask(1).run_count() != runs || a->mask(1).count() != runs) return -1L;
    return static_cast<long>(a->mask(1).storage_bytes() >> 20);
  });
  EXPECT_GE(report.value, 0) << "run or cell count of the strided heads differs from sum(q / l + 1)";
  EXPECT_LE(report.value, 4) << "MiB held by the strided heads' mask";
  EXPECT_LT(report.peak_rss_kib, 256L * 1024L) << "peak resident size in KiB";
  RecordProperty("peak_rss_kib", std::to_string(report.peak_rss_kib));
}

}  // namespace
}  // namespace attnscope
