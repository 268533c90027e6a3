#pragma once
// What the routed variants (minference, duo, snapkv, quest) share: choosing the best-scoring
// entries with ties to the earlier one, the selection layouts their steps show, and the ranked
// lists their captions and the inspector quote. Not a variant.
#include <string>
#include <vector>

#include "core/scene/frame.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/routing_choices.hpp"
#include "core/scene/trace.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

// Indices of the `count` highest of score[0..size) (all of them when count >= size), best
// first; ties go to the lower index. Forced entries are passed as +infinity, so they win first
// and among themselves the earlier one wins, as torch.topk's inf entries do in the references.
std::vector<int> pick_top(const std::vector<float>& score, int count);

// "3 (forced), 7 (2.10), 1 (0.85)": the picks in rank order with their scores; long lists are
// shortened so a caption stays one line.
std::string ranked_text(const std::vector<int>& picks, const std::vector<float>& score);

// A selection as the inspector reads it back: every entry's score and the picks best first, the
// forced ones (+infinity) counted as such.
RoutedRow picked_row(std::vector<float> score, std::vector<int> picks);
// "page 3 kept: score 2.10, rank 2 of 4", or "forced" in place of the score.
std::string ranked_choice_text(const RoutedRow& row, const std::string& what, int entry);

// Sorted entries as runs of consecutive ones: a row built from them costs its runs, not its
// entries (kept offsets and keys cluster).
std::vector<Run> runs_of_sorted(const std::vector<int>& sorted);

// A layout for a selection step: every token once, in the groups given (listed tokens first, in
// the given order), the tokens not listed in a last group.
HeadFrame selection_layout(int n, const std::vector<std::vector<int>>& groups);

// Places each head's selection layout and groups the rows by it, for the step added next.
void place_selection(TraceBuilder& t, int n, const std::vector<HeadFrame>& heads);

// Rows [r_begin, r_end) of head's causal softmax, scores scaled by 1/sqrt(D), as one matrix
// product over the packed tensor: what the references compute before they sum the weights into
// scores. out[(r - r_begin) · r_end + k] holds query r's weight on key k, zero for k > r.
void causal_softmax_rows(const Qkv& qkv, int head, int r_begin, int r_end, std::vector<float>& out);

}  // namespace attnscope
