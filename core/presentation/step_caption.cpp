#include "core/presentation/step_caption.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "core/base/digits.hpp"

namespace attnscope {

namespace {

// "0, 1" or "0, 1, 2, 3, 4, 5 and 1,018 more" (long lists are cut: a caption is one or two lines,
// and the count says how much is left out where a sentence goes on after the list).
std::string list_text(const std::vector<int>& values, size_t max_items = 6) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < max_items; ++i) out += (i ? ", " : "") + digits_grouped(values[i]);
  if (values.size() > max_items)
    out += " and " + digits_grouped(static_cast<int64_t>(values.size() - max_items)) + " more";
  return out;
}

std::string heads_text(const std::vector<int>& heads) {
  return fmt::format("{} {}", heads.size() == 1 ? "head" : "heads", list_text(heads));
}

std::string cells_text(int64_t count) {
  return fmt::format("{} {}", digits_grouped(count), count == 1 ? "cell" : "cells");
}

bool identity(const HeadFrame& frame) {
  for (size_t slot = 0; slot < frame.token_at_slot.size(); ++slot)
    if (frame.token_at_slot[slot] != static_cast<int>(slot)) return false;
  return true;
}

// Tokens that move against the rest: with a roll by -2 every token moves up 2 slots except
// tokens 0 and 1, which wrap to the end.
std::vector<int> wrapped_tokens(const HeadFrame& frame) {
  std::map<int, int> moves;
  const int n = static_cast<int>(frame.slot_of_token.size());
  for (int t = 0; t < n; ++t) ++moves[frame.slot_of_token[t] - t];
  const int usual = std::max_element(moves.begin(), moves.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
  std::vector<int> tokens;
  for (int t = 0; t < n; ++t)
    if (frame.slot_of_token[t] - t != usual) tokens.push_back(t);
  return tokens;
}

// The first leaking head's queries and keys, and the number of leaking cells over all heads.
struct LeakFacts {
  int64_t total = 0;
  int head = -1;
  std::vector<int> queries, keys;
};
LeakFacts leak_facts(const Analysis& a) {
  LeakFacts facts;
  facts.total = a.metrics.total_leaks;
  for (int h = 0; h < a.heads() && facts.head < 0; ++h) {
    if (a.leaks[h].count() == 0) continue;
    facts.head = h;
    std::set<int> keys;
    for (int q = 0; q < a.n(); ++q) {
      if (a.leaks[h].row_count(q) == 0) continue;
      facts.queries.push_back(q);
      for (const Run run : a.leaks[h].row(q))
        for (int k = run.begin; k < run.end && keys.size() < 64; ++k) keys.insert(k);
      if (facts.queries.size() > 64) break;
    }
    facts.keys.assign(keys.begin(), keys.end());
  }
  return facts;
}

std::string leak_sentence(const Analysis& a, const LeakFacts& leaks) {
  if (leaks.total == 0)
    return fmt::format("No leaks: every key a query may read is one the {} policy allows.", a.scene.policy);
  const int64_t in_head = a.metrics.heads[leaks.head].leaks;
  std::string where = in_head == leaks.total ? fmt::format("all in head {}", leaks.head)
                                             : fmt::format("{} of them in head {}", digits_grouped(in_head), leaks.head);
  const bool one_query = leaks.queries.size() == 1;
  return fmt::format("{} leak ({}): {} {} {} {} {}, which the {} policy forbids.", cells_text(leaks.total), where,
                     one_query ? "query" : "queries", list_text(leaks.queries), one_query ? "reads" : "read",
                     leaks.keys.size() == 1 ? "key" : "keys", list_text(leaks.keys), a.scene.policy);
}

}  // namespace

std::vector<int> shifted_heads(const Analysis& a) {
  std::vector<int> heads;
  if (!a.build.frame) return heads;
  for (int h = 0; h < a.heads(); ++h)
    if (!identity(a.build.frame->heads[h])) heads.push_back(h);
  return heads;
}

std::vector<WrappedGroup> wrapped_groups(const Analysis& a, int head) {
  std::vector<WrappedGroup> groups;
  if (!a.build.frame || identity(a.build.frame->heads[head])) return groups;
  const HeadFrame& frame = a.build.frame->heads[head];
  for (int s = 0; s < frame.segment_count(); ++s) {
    WrappedGroup group{head, {}};
    bool wraps = false;
    for (int slot = frame.segment_begin(s); slot < frame.segment_end(s); ++slot) {
      const int token = frame.token_at_slot[slot];
      wraps |= !group.tokens.empty() && token < group.tokens.back();
      group.tokens.push_back(token);
    }
    if (wraps) groups.push_back(std::move(group));
  }
  return groups;
}

std::vector<WrappedGroup> wrapped_groups(const Analysis& a) {
  std::vector<WrappedGroup> groups;
  for (int h : shifted_heads(a))
    for (WrappedGroup& group : wrapped_groups(a, h)) groups.push_back(std::move(group));
  return groups;
}

namespace {

std::string computed_caption(const Analysis& a, int index) {
  const auto& steps = a.trace().steps;
  const Step& step = steps.at(index);
  std::string text = step.explanation;
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() != '.') text += '.';
  const std::vector<int> shifted = shifted_heads(a);
  const std::vector<WrappedGroup> wrapped = wrapped_groups(a);
  auto moved = [&](const Step& s) {
    for (int h : shifted)
      for (int r = 0; r < std::min(s.rows, a.n()); ++r)
        if (s.token(r, h) != r) return true;
    return false;
  };
  auto grouped = [](const Step& s) { return s.rows > 0 && s.heads > 0 && s.group(0, 0) >= 0; };
  const bool first_move = moved(step) && (index == 0 || !moved(steps[index - 1]));
  const bool first_grouping = grouped(step) && (index == 0 || !grouped(steps[index - 1]));
  const bool last = index + 1 == static_cast<int>(steps.size());

  if (first_move && !shifted.empty()) {
    const std::vector<int> tokens = wrapped_tokens(a.build.frame->heads[shifted.front()]);
    text += fmt::format(" {} {} shifted", heads_text(shifted), shifted.size() == 1 ? "is" : "are");
    text += tokens.empty() ? "." : fmt::format(": tokens {} wrap around to the other end.", list_text(tokens));
  }
  if (first_grouping) {
    if (!wrapped.empty())
      text += fmt::format(" Head {}'s wrapped group holds tokens {}: the end and the start of the sequence meet.",
                          wrapped.front().head, list_text(wrapped.front().tokens));
    else if (!shifted.empty())
      text += " No group wraps around the end of the sequence.";
  }
  const LeakFacts leaks = step.values == StepValues::MaskedScores || last ? leak_facts(a) : LeakFacts{};
  if (step.values == StepValues::MaskedScores) text.append(" ").append(leak_sentence(a, leaks));
  if (last) {
    if (leaks.total > 0 && !wrapped.empty() && wrapped.front().head == leaks.head)
      text += fmt::format(" Head {}'s wrapped group mixed tokens {}.", leaks.head, list_text(wrapped.front().tokens));
    text.append(" ").append(leak_sentence(a, leaks));
  }
  return text;
}

}  // namespace

StepText step_text(const Analysis& a, int index) {
  const Step& step = a.trace().steps.at(index);
  StepText text;
  const auto written = a.scene.captions.find(step.name);
  text.caption = written != a.scene.captions.end() && scene_captions_apply(a.scene) ? written->second
                                                                                 : counts_grouped(computed_caption(a, index));
  text.why = counts_grouped(step.why);
  text.terms = glossary_terms_in(text.caption + " " + text.why);
  return text;
}

std::string step_number_text(int step, int count) { return fmt::format("Step {} / {}", step, count - 1); }

std::string step_number_short(int step, const std::string& name) { return fmt::format("{} \u00b7 {}", step, name); }

}  // namespace attnscope
