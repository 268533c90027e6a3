#pragma once
// The steps every mask-defined variant shares (input; scores, mask, softmax, weighted sum,
// output) and provenance-only layouts for the variant's own steps in between. Not a variant.
#include <string>
#include <vector>

#include "core/scene/frame.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

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
