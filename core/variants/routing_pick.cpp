#include "core/variants/routing_pick.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/variants/masked_trace.hpp"

namespace attnscope {

namespace {
constexpr size_t kListedPicks = 8;
}

std::vector<int> pick_top(const std::vector<float>& score, int count) {
  std::vector<int> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  const size_t take = std::min(order.size(), static_cast<size_t>(std::max(count, 0)));
  std::partial_sort(order.begin(), order.begin() + static_cast<long>(take), order.end(),
                    [&](int a, int b) { return score[a] != score[b] ? score[a] > score[b] : a < b; });
  // A copy of the winners alone: callers keep them per row, and `order` holds every entry.
  return {order.begin(), order.begin() + static_cast<long>(take)};
}

std::string ranked_text(const std::vector<int>& picks, const std::vector<float>& score) {
  std::string text;
  for (size_t i = 0; i < picks.size() && i < kListedPicks; ++i) {
    const float s = score[picks[i]];
    text += fmt::format("{}{} ({})", i ? ", " : "", picks[i],
                        std::isinf(s) ? std::string("forced") : fmt::format("{:.2f}", s));
  }
  if (picks.size() > kListedPicks) text += fmt::format(", ... {} more", picks.size() - kListedPicks);
  return text;
}

RankedChoice ranked_choice(const std::vector<float>& score, const std::vector<int>& picks) {
  RankedChoice choice{score, std::vector<int>(score.size(), 0), static_cast<int>(picks.size())};
  for (size_t i = 0; i < picks.size(); ++i) choice.rank[picks[i]] = static_cast<int>(i) + 1;
  return choice;
}

std::string ranked_choice_text(const RankedChoice& choice, const std::string& what, int entry) {
  const float s = choice.score.at(entry);
  return fmt::format("{} {} kept: {}, rank {} of {}", what, entry,
                     std::isinf(s) ? std::string("forced") : fmt::format("score {:.2f}", s),
                     choice.rank.at(entry), choice.picked);
}

std::vector<Run> runs_of_sorted(const std::vector<int>& sorted) {
  std::vector<Run> runs;
  for (int x : sorted) {
    if (!runs.empty() && runs.back().end == x) ++runs.back().end;
    else runs.push_back({x, x + 1});
  }
  return runs;
}

HeadFrame selection_layout(int n, const std::vector<std::vector<int>>& groups) {
  std::vector<std::vector<int>> all = groups;
  std::vector<char> listed(n, 0);
  for (const std::vector<int>& group : groups)
    for (int token : group) listed.at(token) = 1;
  all.emplace_back();
  for (int token = 0; token < n; ++token)
    if (!listed[token]) all.back().push_back(token);
  return layout_from_groups(n, all);
}

void place_selection(TraceBuilder& t, int n, const std::vector<HeadFrame>& heads) {
  FrameLayout layout;
  layout.n = n;
  layout.heads = heads;
  for (size_t h = 0; h < heads.size(); ++h) t.place_tokens(static_cast<int>(h), heads[h].token_at_slot);
  t.group_by(layout);
}

HeadKeys::HeadKeys(const Qkv& qkv_, int head_) : qkv(qkv_), head(head_), by_dim(static_cast<size_t>(qkv_.n) * qkv_.d) {
  for (int k = 0; k < qkv.n; ++k)
    for (int i = 0; i < qkv.d; ++i) by_dim[static_cast<size_t>(i) * qkv.n + k] = qkv.row(0, k, Qkv::K, head)[i];
}

void causal_softmax_row(const HeadKeys& keys, int r, std::vector<float>& weights) {
  const Qkv& qkv = keys.qkv;
  const float scale = 1.f / std::sqrt(static_cast<float>(qkv.d));
  const float* q = qkv.row(0, r, Qkv::Q, keys.head);
  weights.assign(static_cast<size_t>(r) + 1, 0.f);
  for (int i = 0; i < qkv.d; ++i) {
    const float qi = q[i];
    const float* dimension = keys.by_dim.data() + static_cast<size_t>(i) * qkv.n;
    for (int k = 0; k <= r; ++k) weights[k] += qi * dimension[k];
  }
  for (float& x : weights) x *= scale;
  const float top = *std::max_element(weights.begin(), weights.end());
  float sum = 0.f;
  for (float& x : weights) sum += (x = std::exp(x - top));
  for (float& x : weights) x /= sum;
}

}  // namespace attnscope
