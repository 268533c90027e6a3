// The lab's tasks (core/analysis/lab.hpp) against their definitions, checked row by row, and the
// result's JSON read back.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/analysis/lab.hpp"
#include "core/base/input_error.hpp"

namespace attnscope {
namespace {

std::vector<std::vector<int64_t>> rows_of(const std::string& task, int n, int rows, std::string text = {}) {
  LabSettings s;
  s.task = task;
  s.text = std::move(text);
  const LabTask t(s, n);
  std::mt19937_64 rng(1);
  const std::vector<int64_t> tokens = t.batch(rows, rng);
  std::vector<std::vector<int64_t>> out;
  for (int r = 0; r < rows; ++r) out.emplace_back(tokens.begin() + r * n, tokens.begin() + (r + 1) * n);
  return out;
}

TEST(LabTask, CopyRepeatsTheFirstHalf) {
  for (const auto& row : rows_of("copy", 10, 20))
    for (int i = 0; i < 5; ++i) EXPECT_EQ(row[i + 5], row[i]);
}

TEST(LabTask, SortFollowsWithTheFirstHalfSorted) {
  for (const auto& row : rows_of("sort", 10, 20)) {
    std::vector<int64_t> first(row.begin(), row.begin() + 5);
    std::sort(first.begin(), first.end());
    EXPECT_EQ(std::vector<int64_t>(row.begin() + 5, row.end()), first);
  }
}

TEST(LabTask, RandomTokensCoverTheVocabulary) {
  std::vector<int> seen(16, 0);
  for (const auto& row : rows_of("random", 8, 200))
    for (int64_t t : row) {
      ASSERT_GE(t, 0);
      ASSERT_LT(t, 16);
      ++seen[t];
    }
  for (int count : seen) EXPECT_GT(count, 50);  // 1,600 draws, 100 expected per token
}

TEST(LabTask, TextWindowsAreStretchesOfTheText) {
  const std::string text = "abracadabra";  // distinct bytes a b c d r -> 0 1 2 3 4
  LabSettings s;
  s.task = "text";
  s.text = text;
  EXPECT_EQ(LabTask(s, 4).vocab(), 5);
  const std::string letters = "abcdr";
  for (const auto& row : rows_of("text", 4, 20, text)) {
    std::string window;
    for (int64_t t : row) window += letters[t];
    EXPECT_NE(text.find(window), std::string::npos) << window;
  }
}

TEST(LabTask, BadSettingsNameTheFlag) {
  LabSettings s;
  s.task = "copy";
  EXPECT_THROW(LabTask(s, 7), InputError);
  s.task = "text";
  s.text = "short";
  EXPECT_THROW(LabTask(s, 8), InputError);
  s.task = "nope";
  EXPECT_THROW(LabTask(s, 8), InputError);
}

TEST(LabResult, JsonRoundTrip) {
  LabResult r;
  r.variant = "s2";
  r.task = "random";
  r.vocab = 16;
  r.layers = 2;
  r.steps = 10;
  r.seconds = 1.5;
  r.train_loss_per_position = {0.1, 2.7};
  r.eval_full_causal_loss_per_position = {8.0, 2.8};
  r.reachable_target_positions = {0};
  r.curves = {{1, 2.8, 2.8}, {10, 1.0, 5.0}};
  const LabResult back = lab_result_from_json(lab_result_json(r), "run.json");
  EXPECT_EQ(back.train_loss_per_position, r.train_loss_per_position);
  EXPECT_EQ(back.reachable_target_positions, r.reachable_target_positions);
  ASSERT_EQ(back.curves.size(), 2u);
  EXPECT_EQ(back.curves[1].eval_loss, 5.0);
  EXPECT_THROW(lab_result_from_json(nlohmann::json{{"variant", "s2"}}, "run.json"), InputError);
}

}  // namespace
}  // namespace attnscope
