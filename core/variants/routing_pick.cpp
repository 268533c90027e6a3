#include "core/variants/routing_pick.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "core/variants/masked_trace.hpp"
#include "core/variants/routing.hpp"

namespace attnscope {

namespace {
constexpr size_t kListedPicks = 8;
}

std::vector<int> pick_top(const std::vector<float>& score, int count) {
  return ranked_best(score.data(), static_cast<int>(score.size()), count);
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

RoutedRow picked_row(std::vector<float> score, std::vector<int> picks) {
  RoutedRow row{std::move(score), std::move(picks), 0, {}};
  for (int u : row.chosen) row.forced += std::isinf(row.scores[u]) && row.scores[u] > 0;
  return row;
}

std::string ranked_choice_text(const RoutedRow& row, const std::string& what, int entry) {
  const float s = row.scores.at(entry);
  return fmt::format("{} {} kept: {}, rank {} of {}", what, entry,
                     std::isinf(s) ? std::string("forced") : fmt::format("score {:.2f}", s), row.rank(entry),
                     row.chosen.size());
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

void causal_softmax_rows(const Qkv& qkv, int head, int r_begin, int r_end, std::vector<float>& out) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Packed = Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>>;
  const int rows = std::max(0, r_end - r_begin), cols = r_end, d = qkv.d;
  out.resize(static_cast<size_t>(rows) * cols);
  if (rows == 0) return;
  // The packed (B, N, 3, H, D) tensor puts one token's q or k 3·H·D floats after the previous one's.
  const Eigen::OuterStride<> token(3L * qkv.heads * d);
  const Packed q(qkv.row(0, r_begin, Qkv::Q, head), rows, d, token);
  const Packed k(qkv.row(0, 0, Qkv::K, head), cols, d, token);
  Eigen::Map<RowMajor> scores(out.data(), rows, cols);
  scores.noalias() = q * k.transpose();
  const float scale = 1.f / std::sqrt(static_cast<float>(d));
  for (int i = 0; i < rows; ++i) {
    float* row = out.data() + static_cast<size_t>(i) * cols;
    const int valid = r_begin + i + 1;
    Eigen::Map<Eigen::ArrayXf>(row, valid) *= scale;
    softmax_in_place(row, valid);
    std::fill(row + valid, row + cols, 0.f);
  }
}

}  // namespace attnscope
