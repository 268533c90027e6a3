#pragma once
// What a routed variant (moba, nsa, dsa, minference, duo, snapkv, quest) chose, and the settings
// its explanations read: for each head and query the scores of every candidate block, key,
// column, offset, page or head, which were forced in and which won, best first. The inspector and
// the step captions quote it, so a cell's explanation names its score and rank. It is the one
// record of a choice: a variant keeps nothing of it elsewhere.
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attnscope {

struct RoutedRow {
  std::vector<float> scores;  // per candidate unit; -inf where the unit lies in the future
  std::vector<int> chosen;    // the units read, forced ones first, then the winners by rank
  int forced = 0;             // how many of `chosen` were forced in
  std::vector<int> removed;   // units the selection picked that the causal guard then dropped
  // 1-based place of `unit` in `chosen`, 0 when it is not read.
  int rank(int unit) const;
};

struct RoutingChoices {
  std::string unit = "block";  // what is scored: "block", "key", "column", "page", "head"...
  int unit_size = 1;           // tokens per unit
  std::string score_name = "score";
  // The settings the explanations quote (nsa: "cmp-block", "window", which branch is shown;
  // snapkv: "prompt", "window", "kernel").
  std::map<std::string, int> sizes;
  // head -> the selection it uses: heads that share one choice (a KV group, or every head of an
  // indexer) share an entry of `rows`.
  std::vector<int> head_selection;
  // Which row of a selection query q reads: rows start at `first_query` and each covers
  // `query_span` queries (1 for a choice per query, the block size for a choice per query block);
  // a selection of a single row serves every query from `first_query` on (a choice per head).
  int first_query = 0;
  int query_span = 1;
  // Each query has a row of its own over units of `unit_size` tokens (moba, nsa, dsa): the views
  // lay it over the query's row of the heatmap at the selection steps.
  bool drawn_per_query = false;
  // [selection][row]; empty (or a row without scores) when the scene is too large to keep it
  // (explanations then name the rule without the numbers).
  std::vector<std::vector<RoutedRow>> rows;
  // A second kind of unit chosen beside the first, read the same way (minference's
  // vertical-slash: the offsets q - k beside the columns).
  std::shared_ptr<const RoutingChoices> second;

  const RoutedRow* row(int head, int q) const {
    if (head >= static_cast<int>(head_selection.size()) || q < first_query) return nullptr;
    const int s = head_selection[head];
    if (s >= static_cast<int>(rows.size()) || rows[s].empty()) return nullptr;
    const int r = rows[s].size() == 1 ? 0 : (q - first_query) / query_span;
    if (r >= static_cast<int>(rows[s].size()) || rows[s][r].scores.empty()) return nullptr;
    return &rows[s][r];
  }
  int size(const std::string& name) const { return sizes.at(name); }
};

// Rows are kept while heads · N · units stays under this many scores.
inline constexpr long kRoutingKeptScores = 1L << 22;

inline constexpr float kRoutingFuture = -std::numeric_limits<float>::infinity();

inline int RoutedRow::rank(int unit) const {
  for (size_t i = 0; i < chosen.size(); ++i)
    if (chosen[i] == unit) return static_cast<int>(i) + 1;
  return 0;
}

}  // namespace attnscope
