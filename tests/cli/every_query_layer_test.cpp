// After how many stacked layers every query of the classroom scene can depend on its own next token:
// one number, computed here with plain loops over the heads' masks, and stated the same by
// `mask --layers`, by the next-token figure (its rows and its caption) and by the lesson.
#include <gtest/gtest.h>
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "tests/cli/cli_test_support.hpp"

namespace attnscope {
namespace {

// reach[q][t]: token t influences query q; one layer adds what every allowed key already holds,
// and the residual path keeps what q had.
int layers_until_every_query_sees_its_next_token(const std::vector<RowRuns>& masks, int max_layers) {
  const int n = masks.front().rows();
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  for (int q = 0; q < n; ++q) reach[q][q] = true;
  for (int layer = 1; layer <= max_layers; ++layer) {
    auto next = reach;
    for (int q = 0; q < n; ++q)
      for (const RowRuns& mask : masks)
        for (int k = 0; k < n; ++k)
          if (mask.contains(q, k))
            for (int t = 0; t < n; ++t) next[q][t] = next[q][t] || reach[k][t];
    reach = next;
    bool every = true;
    for (int q = 0; q + 1 < n; ++q) every = every && reach[q][q + 1];
    if (every) return layer;
  }
  return -1;
}

TEST(EveryQueryLayer, CliFigureAndLessonStateTheSameCount) {
  const auto a = analyze(Scene{});
  const int expected = layers_until_every_query_sees_its_next_token(a->build.masks, 32);
  ASSERT_GT(expected, 1);
  const int queries = a->n() - 1;

  const auto cli = test::cli({"mask", "--layers", "32"});
  ASSERT_EQ(cli.code, 0);
  EXPECT_NE(cli.out.find(fmt::format("after {} layers every one of the {} queries can", expected, queries)),
            std::string::npos)
      << cli.out;

  const figure::Figure fig = figure::view_next_token(*a, {});
  std::string text;
  int rows = -1;
  for (const auto& item : fig.items) {
    if (const auto* t = std::get_if<figure::Text>(&item)) text += t->text + " ";
    if (const auto* r = std::get_if<figure::Raster>(&item)) rows = r->rows;
  }
  EXPECT_EQ(rows, expected) << "the figure draws one row per layer up to the count";
  EXPECT_NE(text.find(fmt::format("after {} layers, every one of the {} queries can", expected, queries)),
            std::string::npos)
      << text;

  std::ifstream in(std::string(ATTNSCOPE_SOURCE_DIR) + "/docs/lesson.md");
  std::stringstream lesson;
  lesson << in.rdbuf();
  EXPECT_NE(lesson.str().find(fmt::format("the {} the classroom scene needs", expected)), std::string::npos);
}

}  // namespace
}  // namespace attnscope
