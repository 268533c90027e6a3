#pragma once
// A shortcut for the receptive field of masks whose one-layer sets are fragmented: Sparse
// Transformer's column heads (a strided head's row holds q/l single keys, 24 M runs in all at
// N = 131072) or BigBird's random blocks drawn anew for each of 32 heads. Propagating them stores
// those runs and builds a tree over them; yet two layers often already reach every token a set
// can hold, and that can be proved from the heads with the fewest runs alone.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

// What no receptive field can pass: its query's prefix [0, q] when every mask row reads only
// keys up to its query (then no layer can add a later token), otherwise every token.
enum class ReachBound { Prefix, Everything };

// The bound of these masks, and whether every token's set equals it after two layers. Proved
// from a lower bound: the sets after one layer contain S(k) = {k} ∪ the rows k of the heads with
// the fewest runs (a window, a block), so the sets after two contain S(q) ∪ ⋃_{k ∈ A(q)} S(k),
// gathered through a tree over S alone. Nothing when the lower bound falls short for some token,
// when the masks are not fragmented enough for the shortcut to pay, or when its tree would pass
// max_runs.
std::optional<ReachBound> reach_bound_after_two_layers(const std::vector<const RowRuns*>& edges,
                                                       int64_t max_runs);

// The bound's last token plus one for query q.
inline int32_t reach_bound_end(ReachBound bound, int n, int q) { return bound == ReachBound::Prefix ? q + 1 : n; }

}  // namespace attnscope
