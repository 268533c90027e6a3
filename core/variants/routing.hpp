#pragma once
// What the routed variants (moba, nsa, dsa) share: ranking with ties to the earlier unit, scores
// of many queries against many keys as one matrix product, and the text that quotes a query's
// scores and choices. Not a variant.
#include <string>
#include <vector>

#include "core/scene/qkv.hpp"
#include "core/scene/routing_choices.hpp"

namespace attnscope {

// A unit's score as every routed text quotes it: "2.10", "+∞" for a forced unit, "−∞" for a later one.
std::string routing_score_text(float score);
// The `take` highest of score[0..count), best first (`by_rank`) or in index order; ties go to the
// earlier index, so every choice is exact and reproducible.
std::vector<int> ranked_best(const float* score, int count, int take, bool by_rank = true);
// `picks` (indices into score) best first, ties to the earlier index: ranked_best's order.
void sort_by_rank(const float* score, std::vector<int>& picks);

// out[(q - q_begin) * stride + j] = scale · q_h(q) · keys[j] for q in [q_begin, q_end) and the
// first `count` rows of `keys` (D floats each): one matrix product (Eigen) instead of a dot per
// pair. `stride` (at least count; 0: count) lets rows of a narrower product keep the places, and
// so the memory alignment that vectorised sums over them depend on, of a wider one.
void query_scores(const Qkv& qkv, int head, int q_begin, int q_end, const std::vector<float>& keys,
                  int count, float scale, std::vector<float>& out, int stride = 0);

// How many of `count` keys to score when only the first `needed` can be read: `needed` rounded
// up to whole panels of Eigen's product kernel, or all `count`. Each score then comes out of the
// same kernel path, bit for bit, as in the product over all `count` keys (a partial last panel
// sums in another order), so a narrower product changes no score and no tie.
int scored_keys(int needed, int count);

// x[0..count) becomes its softmax (the exponentials vectorised); nothing for count = 0.
void softmax_in_place(float* x, int count);
// x[0..count) becomes exp(x − max x), the softmax's numerators; returns their sum, its
// denominator (count ≥ 1): for a caller that adds the weights somewhere rather than storing them.
float softmax_numerators(float* x, int count);

// The means of head h's keys over [i·stride, i·stride + size) for i in [0, count): block mean keys
// (MoBA's gate keys, NSA's compressed keys), `count` rows of D floats. A last span that runs past
// N averages the keys it has.
std::vector<float> span_mean_keys(const Qkv& qkv, int head, int count, int stride, int size);

// Whether the choices of heads · N queries over `units` candidates are kept for explanations.
bool routing_keeps_rows(int heads, int n, int units);

// One query's row for a step caption: "query 15, head 0: gate per block [0: 2.91 · 1: -1.35]",
// shortened past a dozen units; `with_choice` adds the forced ones and what the query reads.
std::string routed_row_text(const RoutingChoices& choices, int head, int q, bool with_choice);

// Why `unit` is read by (head, q): "block 3 selected: score 2.10, rank 2 of 4", or forced in.
// `forced_reason` says why forced units are (e.g. "the own block is always read").
std::string routed_unit_text(const RoutingChoices& choices, int head, int q, int unit,
                             const std::string& forced_reason);

}  // namespace attnscope
