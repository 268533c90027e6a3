#pragma once
// What a routed variant (moba, nsa, dsa) chose for each head and query: the scores of every
// candidate block or key, which were forced in and which won, best first. The inspector and the
// step captions quote it, so a cell's explanation names its score and rank.
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace attnscope {

struct RoutedRow {
  std::vector<float> scores;  // per candidate unit; -inf where the unit lies in the future
  std::vector<int> chosen;    // the units read, forced ones first, then the winners by rank
  int forced = 0;             // how many of `chosen` were forced in
  std::vector<int> removed;   // units the selection picked that the causal guard then dropped
};

struct RoutingChoices {
  std::string unit = "block";  // what is scored: "block" or "key"
  int unit_size = 1;           // tokens per unit
  std::string score_name = "score";
  // Sizes and choices the explanations quote (nsa: "cmp-block", "window", which branch is shown).
  std::map<std::string, int> sizes;
  // head -> the selection it uses: heads that share one choice (a KV group, or every head of an
  // indexer) share an entry of `rows`.
  std::vector<int> head_selection;
  // [selection][query]; empty when the scene is too large to keep every row (explanations then
  // name the rule without the numbers).
  std::vector<std::vector<RoutedRow>> rows;

  const RoutedRow* row(int head, int q) const {
    if (head >= static_cast<int>(head_selection.size())) return nullptr;
    const int s = head_selection[head];
    if (s >= static_cast<int>(rows.size()) || q >= static_cast<int>(rows[s].size())) return nullptr;
    return &rows[s][q];
  }
};

// Rows are kept while heads · N · units stays under this many scores.
inline constexpr long kRoutingKeptScores = 1L << 22;

inline constexpr float kRoutingFuture = -std::numeric_limits<float>::infinity();

}  // namespace attnscope
