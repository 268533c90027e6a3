// The ranking every routed variant chooses with, against repeated scans for the best remaining
// index: scores drawn from a few values (ties everywhere), with ±infinity and both zeros, for
// few and many winners, best first and in index order.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "core/variants/routing.hpp"
#include "core/variants/routing_pick.hpp"

namespace attnscope {
namespace {

// The `take` best, best first: each round scans for the highest score not yet taken, the
// earliest on a tie.
std::vector<int> best_by_scans(const std::vector<float>& score, int take) {
  std::vector<int> chosen;
  std::vector<char> taken(score.size(), 0);
  for (int round = 0; round < take && round < static_cast<int>(score.size()); ++round) {
    int pick = -1;
    for (int i = 0; i < static_cast<int>(score.size()); ++i)
      if (!taken[i] && (pick < 0 || score[i] > score[pick])) pick = i;
    taken[pick] = 1;
    chosen.push_back(pick);
  }
  return chosen;
}

std::vector<float> tied_scores(std::mt19937& random, int count) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> values = {-inf, -2.5f, -0.f, 0.f, 0.75f, 1.f, 1e-30f, 3.f, inf};
  std::uniform_int_distribution<size_t> pick(0, values.size() - 1);
  std::vector<float> score(count);
  for (float& s : score) s = pick(random);
  for (float& s : score) s = values[static_cast<size_t>(s)];
  return score;
}

TEST(RankedBest, EqualsRepeatedScansWithTiesToTheEarlierIndex) {
  std::mt19937 random(7);
  for (int count : {1, 5, 17, 40, 300, 1000})
    for (int take : {0, 1, 3, 16, 17, 64, 299, 1000}) {
      const std::vector<float> score = tied_scores(random, count);
      const std::vector<int> expected = best_by_scans(score, take);
      EXPECT_EQ(ranked_best(score.data(), count, take), expected) << count << " " << take;
      EXPECT_EQ(pick_top(score, take), expected) << count << " " << take;
      std::vector<int> in_order = expected;
      std::sort(in_order.begin(), in_order.end());
      EXPECT_EQ(ranked_best(score.data(), count, take, false), in_order) << count << " " << take;
    }
}

TEST(RankedBest, DistinctScoresOfEverySign) {
  std::mt19937 random(11);
  std::normal_distribution<float> normal(0.f, 100.f);
  std::vector<float> score(5000);
  for (float& s : score) s = normal(random);
  for (int take : {20, 500, 4999})
    EXPECT_EQ(ranked_best(score.data(), static_cast<int>(score.size()), take), best_by_scans(score, take));
}

}  // namespace
}  // namespace attnscope
