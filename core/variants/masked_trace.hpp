#pragma once
// The steps every mask-defined variant shares (input; scores, mask, softmax, weighted sum,
// output) and provenance-only layouts for the variant's own steps in between. Not a variant.
#include <string>
#include <vector>

#include "core/scene/frame.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

// Why-lines of the steps most traces share, written once so each step says the same in every
// variant.
namespace step_why {
inline constexpr const char* kInput =
    "every later step is computed from these q, k and v: generated, or your own read with --qkv";
inline constexpr const char* kScores =
    "drawn as a full N\u00d7N product for clarity; a sparse kernel computes only the allowed cells, and "
    "those are what the cost counts";
inline constexpr const char* kSoftmax = "masked cells are \u2212\u221e, so their weight is exactly 0";
inline constexpr const char* kWeightedSum =
    "each output mixes the values of the keys its query was allowed to read: a leaked key's value "
    "would enter the output here";
inline constexpr const char* kUngroup = "a view: the groups go back onto the token axis; no data moves";
inline constexpr const char* kOutput =
    "the next layer reads this output, so what a query can reach grows layer by layer";
}  // namespace step_why

void masked_trace_input(TraceBuilder& t, const Scene& scene);
// Places every token back at its own position and appends scores, mask, softmax, weighted-sum
// and output; `mask_explanation` and `mask_code` say what this variant's mask keeps.
void masked_trace_attend(TraceBuilder& t, const Scene& scene, const std::string& mask_explanation,
                         const std::string& mask_code);

// A layout that only says where tokens sit: `groups` lists original tokens in memory order, one
// list per group (empty lists keep their group number). Together they must hold every token once.
HeadFrame layout_from_groups(int n, const std::vector<std::vector<int>>& groups);

// Lists like "[0, 1, 2]", shortened for long lists so step captions stay one line.
std::string token_list_text(const std::vector<int>& tokens);

}  // namespace attnscope
