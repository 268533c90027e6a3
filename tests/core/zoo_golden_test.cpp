// The sparse-attention variants reproduced cell by cell against tests/golden/zoo_masks.json,
// whose rows zoo_masks.py computes from each paper's index predicate, independently of the core.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.hpp"
#include "tests/core/golden_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

nlohmann::json zoo_cases() {
  std::ifstream in(std::string(ATTNSCOPE_TEST_DATA) + "/golden/zoo_masks.json");
  return nlohmann::json::parse(in)["cases"];
}

Scene zoo_scene(const nlohmann::json& c) {
  nlohmann::json j = c["params"];
  j["variant"] = c["variant"];
  j["n"] = c["n"];
  j["heads"] = c["h"];
  j["policy"] = c["policy"];
  return scene_from_json(j);
}

class ZooGolden : public ::testing::TestWithParam<int> {};

TEST_P(ZooGolden, MatchesEveryCell) {
  const nlohmann::json c = zoo_cases()[GetParam()];
  SCOPED_TRACE(c["name"].get<std::string>() + ": " + c["note"].get<std::string>());
  const auto a = analyze(zoo_scene(c));
  int64_t total_leaks = 0;
  for (const auto& head : c["per_head"]) {
    const int h = head["head"];
    for (int q = 0; q < a->n(); ++q)
      EXPECT_EQ(test::golden_row_text(*a, h, q), head["rows"][q].get<std::string>()) << "head " << h << " q " << q;
    EXPECT_EQ(a->metrics.heads[h].allowed, head["allowed"].get<int64_t>()) << "head " << h;
    std::vector<std::pair<int, int>> leaks;
    for (const auto& cell : head["leaks"]) leaks.emplace_back(cell[0], cell[1]);
    EXPECT_EQ(a->leaks[h].cells(), leaks) << "head " << h;
    total_leaks += static_cast<int64_t>(leaks.size());
  }
  EXPECT_EQ(a->metrics.total_leaks, total_leaks);
}

INSTANTIATE_TEST_SUITE_P(Cases, ZooGolden, ::testing::Range(0, static_cast<int>(zoo_cases().size())),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return zoo_cases()[info.param]["name"].get<std::string>();
                         });

// The union of the two factorised heads, as the spec's §8.2 prints it.
TEST(ZooGolden, SparseTransformerUnionsMatchTheSpec) {
  Scene scene = test::test_scene({.variant = "strided", .n = 16, .params = {{"stride", "4"}}});
  EXPECT_EQ(analyze(scene)->metrics.union_allowed, 82);
  scene.variant = "fixed";
  EXPECT_EQ(analyze(scene)->metrics.union_allowed, 64);
}

// llama_attn_replace_sft.py with N = 14, G = 4 (spec §1.3(f)): unshifted segments
// [0, 4, 8, 12, 14], shifted [0, 2, 6, 10, 14]; causal inside each.
TEST(ZooGolden, SftBoundariesWhenNIsNotAMultipleOfG) {
  const auto a = analyze(test::test_scene({.variant = "s2-fix-split", .n = 14}));
  const std::vector<std::vector<int>> starts = {{0, 4, 8, 12}, {0, 2, 6, 10}};
  for (int h = 0; h < 2; ++h)
    for (int q = 0; q < 14; ++q) {
      const int begin = *(std::upper_bound(starts[h].begin(), starts[h].end(), q) - 1);
      RowRuns expected(1, 14);
      expected.append_row({{begin, q + 1}});
      EXPECT_EQ(std::vector<attnscope::Run>(a->mask(h).row(q).begin(), a->mask(h).row(q).end()),
                std::vector<attnscope::Run>(expected.row(0).begin(), expected.row(0).end()))
          << "head " << h << " q " << q;
    }
  EXPECT_EQ(a->metrics.total_leaks, 0);
}

}  // namespace
}  // namespace attnscope
