#include "core/variants/routing.hpp"

#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

namespace attnscope {

namespace {

constexpr int kListedUnits = 12;
// Rows of keys Eigen's float product kernel takes per step (its gebp `mr`: 24 with AVX).
constexpr int kProductPanel = Eigen::internal::gebp_traits<float, float>::mr;

// Scores as unsigned keys in the same order (a higher score, a higher key; 0 and -0 alike).
uint32_t order_key(float score) {
  if (score == 0.f) score = 0.f;
  uint32_t bits;
  std::memcpy(&bits, &score, sizeof bits);
  return bits & 0x80000000u ? ~bits : bits | 0x80000000u;
}

constexpr int kSkipRun = 32;  // scores passed over at once by the ranking of a few winners

// Whether any of x[0..kSkipRun) is above `bar`, eight at a time in vector comparisons (GCC's and
// Clang's vector types: a plain loop of comparisons stays scalar inside the ranking's loop).
bool any_of_run_above(const float* x, float bar) {
  using Eight = float __attribute__((vector_size(32)));
  using Lanes = int32_t __attribute__((vector_size(32)));
  Lanes above{};  // all ones where above
  for (int part = 0; part < kSkipRun; part += 8) {
    Eight values;
    std::memcpy(&values, x + part, sizeof values);
    above |= values > bar;
  }
  uint64_t words[4];
  std::memcpy(words, &above, sizeof words);
  return (words[0] | words[1] | words[2] | words[3]) != 0;
}

}  // namespace

std::string routing_score_text(float score) {
  if (std::isinf(score)) return score > 0 ? "+\u221e" : "\u2212\u221e";
  return fmt::format("{:.2f}", score);
}

std::vector<int> ranked_best(const float* score, int count, int take, bool by_rank) {
  take = std::clamp(take, 0, count);
  const auto better = [&](int a, int b) { return score[a] != score[b] ? score[a] > score[b] : a < b; };
  std::vector<int> best;
  if (take <= 16) {
    // A few winners: one pass keeps them best first. A later index beats a kept one only with a
    // higher score (ties go to the earlier), so once the list is full a candidate meets one
    // comparison with the last kept score, and a run of scores with none higher is passed over
    // with one branch.
    best.reserve(take + 1);
    bool full = false;
    float bar = 0.f;  // the last kept score, once the list is full
    for (int i = 0; i < count && take > 0;) {
      const int run_end = std::min(count, i + kSkipRun);
      if (full && run_end - i == kSkipRun && !any_of_run_above(score + i, bar)) {
        i = run_end;
        continue;
      }
      for (; i < run_end; ++i) {
        if (full && !(score[i] > bar)) continue;
        if (full) best.pop_back();
        best.insert(std::find_if(best.begin(), best.end(), [&](int kept) { return better(i, kept); }), i);
        full = static_cast<int>(best.size()) == take;
        bar = score[best.back()];
      }
    }
    if (!by_rank) std::sort(best.begin(), best.end());
    return best;
  }
  // Many winners: the take-th best key (the pivot) splits them. It is found by a radix selection
  // on the scores' bits, counting passes without data-dependent branches (a comparison sort of a
  // few hundred pages mispredicts on every other step). The digits start at the highest bit in
  // which the keys differ, so no pass counts a sign and exponent they all share, and each pass
  // carries on only the keys in the pivot's bucket. One pass in index order then keeps every
  // index above the pivot and, of those equal to it, the earliest, as ties require.
  thread_local std::vector<uint32_t> keys, bucket;
  keys.resize(count);
  bucket.resize(count);
  uint32_t low = ~0u, high = 0;
  for (int i = 0; i < count; ++i) {
    keys[i] = order_key(score[i]);
    low = std::min(low, keys[i]);
    high = std::max(high, keys[i]);
  }
  const int top = std::bit_width(low ^ high) - 1;               // -1 when every key is equal
  uint32_t known = top >= 31 ? 0u : ~0u << (top + 1);            // the pivot's bits found so far
  uint32_t prefix = high & known;                                // and their values
  int rank = take;  // the pivot's rank among the keys that share the prefix
  const uint32_t* from = keys.data();
  for (int shift = top - 7, left = count; known != ~0u; shift -= 8) {
    const int at = std::max(0, shift);
    std::array<int, 256> histogram{};
    for (int i = 0; i < left; ++i) ++histogram[(from[i] >> at) & 255];
    int digit = 255;
    while (rank > histogram[digit]) rank -= histogram[digit--];
    prefix |= static_cast<uint32_t>(digit) << at;
    known |= 255u << at;
    int kept = 0;
    for (int i = 0; i < left; ++i) {
      bucket[kept] = from[i];
      kept += (from[i] & known) == prefix;
    }
    from = bucket.data();
    left = kept;
  }
  // Every key above the pivot wins, and the first `rank` of those equal to it.
  best.resize(take + 1);
  int won = 0, equal_left = rank;
  for (int i = 0; i < count; ++i) {
    const bool equal = keys[i] == prefix, wins = keys[i] > prefix || (equal && equal_left > 0);
    equal_left -= equal && wins;
    best[won] = i;
    won += wins;
  }
  best.resize(take);
  if (by_rank) sort_by_rank(score, best);
  return best;
}

void sort_by_rank(const float* score, std::vector<int>& picks) {
  // One key per pick: the score's order bits above, the complement of its index below (the
  // earlier index the higher), so a plain descending sort breaks ties to the earlier one.
  thread_local std::vector<uint64_t> ranked;
  ranked.resize(picks.size());
  for (size_t j = 0; j < picks.size(); ++j)
    ranked[j] = uint64_t{order_key(score[picks[j]])} << 32 | static_cast<uint32_t>(~picks[j]);
  std::sort(ranked.begin(), ranked.end(), std::greater<>());
  for (size_t j = 0; j < picks.size(); ++j) picks[j] = static_cast<int>(~static_cast<uint32_t>(ranked[j]));
}

void query_scores(const Qkv& qkv, int head, int q_begin, int q_end, const std::vector<float>& keys,
                  int count, float scale, std::vector<float>& out, int stride) {
  using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const int rows = q_end - q_begin, d = qkv.d;
  stride = std::max(stride, count);
  out.resize(static_cast<size_t>(rows) * stride);
  if (rows == 0 || count == 0) return;
  // The packed (B, N, 3, H, D) tensor puts one token's q 3·H·D floats after the previous one's.
  const Eigen::Map<const RowMajor, 0, Eigen::OuterStride<>> q(qkv.row(0, q_begin, Qkv::Q, head), rows, d,
                                                               Eigen::OuterStride<>(3L * qkv.heads * d));
  const Eigen::Map<const RowMajor> k(keys.data(), count, d);
  Eigen::Map<RowMajor, 0, Eigen::OuterStride<>> result(out.data(), rows, count, Eigen::OuterStride<>(stride));
  result.noalias() = q * k.transpose();
  if (scale != 1.f) result *= scale;
}

int scored_keys(int needed, int count) {
  const int whole = count - count % kProductPanel;
  const int rounded = (needed + kProductPanel - 1) / kProductPanel * kProductPanel;
  return rounded <= whole ? rounded : count;
}

void softmax_in_place(float* x, int count) {
  if (count <= 0) return;
  const float total = softmax_numerators(x, count);
  Eigen::Map<Eigen::ArrayXf>(x, count) /= total;
}

float softmax_numerators(float* x, int count) {
  Eigen::Map<Eigen::ArrayXf> row(x, count);
  row = (row - row.maxCoeff()).exp();
  return row.sum();
}

std::vector<float> span_mean_keys(const Qkv& qkv, int head, int count, int stride, int size) {
  std::vector<float> means(static_cast<size_t>(count) * qkv.d, 0.f);
  for (int i = 0; i < count; ++i) {
    float* mean = means.data() + static_cast<size_t>(i) * qkv.d;
    const int begin = i * stride, end = std::min(qkv.n, begin + size);
    for (int token = begin; token < end; ++token) {
      const float* k = qkv.row(0, token, Qkv::K, head);
      for (int x = 0; x < qkv.d; ++x) mean[x] += k[x];
    }
    for (int x = 0; x < qkv.d; ++x) mean[x] /= static_cast<float>(std::max(1, end - begin));
  }
  return means;
}

bool routing_keeps_rows(int heads, int n, int units) {
  return static_cast<long>(heads) * n * std::max(units, 1) <= kRoutingKeptScores;
}

std::string routed_row_text(const RoutingChoices& choices, int head, int q, bool with_choice) {
  const RoutedRow* row = choices.row(head, q);
  if (!row) return "";
  std::string scores;
  const int shown = std::min(static_cast<int>(row->scores.size()), kListedUnits);
  for (int u = 0; u < shown; ++u) {
    const bool forced = std::find(row->chosen.begin(), row->chosen.begin() + row->forced, u) !=
                        row->chosen.begin() + row->forced;
    scores += fmt::format("{}{}: {}{}", u ? " \u00b7 " : "", u, routing_score_text(row->scores[u]),
                          with_choice && forced ? " (forced)" : "");
  }
  if (shown < static_cast<int>(row->scores.size()))
    scores += fmt::format(" \u00b7 ... {} more", row->scores.size() - shown);
  std::string text = fmt::format("query {}, head {}: {} per {} [{}]", q, head, choices.score_name, choices.unit, scores);
  if (!with_choice) return text;
  text += " \u2192 reads ";
  if (row->chosen.empty()) text += "none";
  for (size_t i = 0; i < row->chosen.size() && i < kListedUnits; ++i)
    text += fmt::format("{}{}", i ? ", " : "", row->chosen[i]);
  if (!row->removed.empty()) {
    text += "; future, for the causal guard:";
    for (int u : row->removed) text += fmt::format(" {}", u);
  }
  return text;
}

std::string routed_unit_text(const RoutingChoices& choices, int head, int q, int unit,
                             const std::string& forced_reason) {
  const RoutedRow* row = choices.row(head, q);
  if (!row) return "";
  const auto at = std::find(row->chosen.begin(), row->chosen.end(), unit);
  if (at == row->chosen.end()) return "";
  const int rank = static_cast<int>(at - row->chosen.begin()) + 1, of = static_cast<int>(row->chosen.size());
  if (rank <= row->forced)
    return fmt::format("{} {} forced in ({}), rank {} of {}", choices.unit, unit, forced_reason, rank, of);
  return fmt::format("{} {} selected: {} {}, rank {} of {}", choices.unit, unit, choices.score_name,
                     routing_score_text(row->scores[unit]), rank, of);
}

}  // namespace attnscope
