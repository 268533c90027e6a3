// The worked cases in tests/golden/masks.json, reproduced cell by cell. The expected rows were
// written from the papers' index predicates, not from this implementation.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/analysis/analysis.hpp"
#include "tests/core/golden_support.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope {
namespace {

nlohmann::json golden_cases() {
  std::ifstream in(std::string(ATTNSCOPE_TEST_DATA) + "/golden/masks.json");
  return nlohmann::json::parse(in)["cases"];
}

class GoldenMask : public ::testing::TestWithParam<int> {};

TEST_P(GoldenMask, MatchesEveryCell) {
  const nlohmann::json c = golden_cases()[GetParam()];
  const Scene scene = test::test_scene({.variant = c["variant"],
                                        .n = c["n"],
                                        .heads = c["h"],
                                        .g = c["params"].value("g", Scene{}.g),
                                        .policy = c["policy"]});
  SCOPED_TRACE(c["variant"].get<std::string>() + " n=" + std::to_string(scene.n));
  const auto a = analyze(scene);
  for (const auto& head : c["per_head"]) {
    const int h = head["head"];
    for (int q = 0; q < scene.n; ++q)
      EXPECT_EQ(test::golden_row_text(*a, h, q), head["rows"][q].get<std::string>()) << "head " << h << " q " << q;
    EXPECT_EQ(a->metrics.heads[h].allowed, head["allowed"].get<int64_t>());
    std::vector<std::pair<int, int>> leaks;
    for (const auto& cell : head["leaks"]) leaks.emplace_back(cell[0], cell[1]);
    EXPECT_EQ(a->leaks[h].cells(), leaks);
  }
  EXPECT_EQ(a->metrics.total_allowed, c["total_allowed"].get<int64_t>());
  EXPECT_EQ(a->metrics.total_leaks, c["total_leaks"].get<int64_t>());
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenMask, ::testing::Range(0, static_cast<int>(golden_cases().size())),
                         [](const auto& info) {
                           const nlohmann::json c = golden_cases()[info.param];
                           std::string name = c["variant"].get<std::string>() + "_n" +
                                              std::to_string(c["n"].get<int>());
                           for (char& ch : name)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace attnscope
