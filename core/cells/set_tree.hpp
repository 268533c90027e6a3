#pragma once
// Unions of many per-token run lists, the receptive field's working parts: RunUnion merges the
// lists gathered for one token, SetTree answers "the union of the sets of tokens a..b" in
// O(log N) lists.
#include <cstdint>
#include <utility>
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

// The union of many run lists that overlap heavily (the nodes a reach set is gathered from):
// only the longest run per first column is kept, and the first columns are found in order from a
// bit per column rather than by sorting every run given.
class RunUnion {
 public:
  explicit RunUnion(int n);
  void add(const Run* begin, const Run* end);
  // The union so far, sorted and merged, into `out`; starts a new union.
  void take(std::vector<Run>& out);

 private:
  std::vector<int32_t> end_at_;  // per first column: the farthest end given, -1 if none
  std::vector<uint64_t> given_;  // a bit per first column given since the last take()
  std::vector<int32_t> firsts_;
};

// Token sets as sorted runs, one list per token (runs [start[k], start[k+1]) of `runs`), and a
// segment tree over tokens holding the union of each node's range, so the union of the sets of a
// run of tokens costs O(log N) lists. Cost grows with the runs of the sets (a handful per token
// for grouped and windowed masks), not with N².
class SetTree {
 public:
  // False when the tree would take more than max_runs runs besides the sets themselves. The
  // sets must outlive the tree.
  bool build(const std::vector<Run>& runs, const std::vector<int64_t>& start, int64_t max_runs);
  // The sets alone, no inner nodes: gather() then reads a token at a time, which is cheaper than
  // building the tree when the gathering ends early (a global token's set holding every token).
  void leaves_only(const std::vector<Run>& runs, const std::vector<int64_t>& start);
  // Sets read by gather() so far (inner nodes included).
  int64_t sets_read() const { return sets_read_; }
  // Adds to `gathered` the sets of every token in `keys`. A node whose set is one run holding
  // [0, bound) ends the gathering: the bound is an upper bound on the union (every token, or a
  // causal query's prefix), so the rest cannot add to it.
  void gather(const std::vector<Run>& keys, int32_t bound, RunUnion& gathered) const;

 private:
  std::pair<const Run*, const Run*> node_runs(int node) const;

  int n_ = 0;
  bool inner_ = false;
  mutable int64_t sets_read_ = 0;
  const std::vector<Run>* runs_ = nullptr;
  const std::vector<int64_t>* start_ = nullptr;
  std::vector<Run> tree_;  // inner nodes 1..n-1; the leaves n..2n-1 are the sets themselves
  std::vector<int64_t> offset_, length_;
};

}  // namespace attnscope
