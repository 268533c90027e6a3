#include "core/cells/set_tree.hpp"

#include <algorithm>
#include <bit>

namespace attnscope {

RunUnion::RunUnion(int n) : end_at_(static_cast<size_t>(n), -1), given_(static_cast<size_t>(n + 63) / 64, 0) {}

void RunUnion::add(const Run* begin, const Run* end) {
  for (const Run* run = begin; run != end; ++run) {
    int32_t& far = end_at_[run->begin];
    if (far < 0) {
      given_[run->begin / 64] |= uint64_t{1} << (run->begin % 64);
      firsts_.push_back(run->begin);
    }
    far = std::max(far, run->end);
  }
}

void RunUnion::take(std::vector<Run>& out) {
  out.clear();
  auto extend = [&](int32_t first) {
    const int32_t end = std::exchange(end_at_[first], -1);
    if (!out.empty() && out.back().end >= first) out.back().end = std::max(out.back().end, end);
    else out.push_back({first, end});
  };
  if (firsts_.size() <= 64) {  // a handful: sorting them beats reading the bits
    std::sort(firsts_.begin(), firsts_.end());
    for (int32_t first : firsts_) {
      given_[first / 64] = 0;
      extend(first);
    }
  } else {
    const auto [lo, hi] = std::minmax_element(firsts_.begin(), firsts_.end());
    for (int32_t word = *lo / 64; word <= *hi / 64; ++word)
      for (uint64_t bits = std::exchange(given_[word], 0); bits != 0; bits &= bits - 1)
        extend(word * 64 + std::countr_zero(bits));
  }
  firsts_.clear();
}

void SetTree::leaves_only(const std::vector<Run>& runs, const std::vector<int64_t>& start) {
  runs_ = &runs;
  start_ = &start;
  n_ = static_cast<int>(start.size()) - 1;
  inner_ = false;
  tree_.clear();
}

bool SetTree::build(const std::vector<Run>& runs, const std::vector<int64_t>& start, int64_t max_runs) {
  leaves_only(runs, start);
  inner_ = true;
  offset_.assign(static_cast<size_t>(n_), 0);
  length_.assign(static_cast<size_t>(n_), 0);
  std::vector<Run> merged;
  for (int i = n_ - 1; i >= 1; --i) {
    const auto [left, left_end] = node_runs(2 * i);
    const auto [right, right_end] = node_runs(2 * i + 1);
    runs_union_sorted({left, left_end - left}, {right, right_end - right}, merged);
    offset_[i] = static_cast<int64_t>(tree_.size());
    length_[i] = static_cast<int64_t>(merged.size());
    tree_.insert(tree_.end(), merged.begin(), merged.end());
    if (static_cast<int64_t>(tree_.size()) > max_runs) return false;
  }
  return true;
}

void SetTree::gather(const std::vector<Run>& keys, int32_t bound, RunUnion& gathered) const {
  bool whole = false;
  auto gather_node = [&](int node) {
    const auto [first, end] = node_runs(node);
    whole |= end - first == 1 && first->begin == 0 && first->end >= bound;
    gathered.add(first, end);
    ++sets_read_;
  };
  for (const Run& run : keys) {
    if (!inner_)
      for (int token = run.begin; token < run.end && !whole; ++token) gather_node(token + n_);
    for (int lo = run.begin + n_, hi = run.end + n_; inner_ && lo < hi && !whole; lo /= 2, hi /= 2) {
      if (lo & 1) gather_node(lo++);
      if (hi & 1) gather_node(--hi);
    }
    if (whole) return;
  }
}

std::pair<const Run*, const Run*> SetTree::node_runs(int node) const {
  if (node >= n_) return {runs_->data() + (*start_)[node - n_], runs_->data() + (*start_)[node - n_ + 1]};
  const Run* first = tree_.data() + offset_[node];
  return {first, first + length_[node]};
}

}  // namespace attnscope
