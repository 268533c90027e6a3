#pragma once
// Steps of the KV-cache variants (streaming, h2o): one step per decode step t, whose rows per
// head are the keys query t sees in cache order (row index = cache-relative position, query last),
// then the dropped past keys, then the tokens not yet decoded. Groups: 0 visible, 1 dropped,
// 2 future. Not a variant.
#include <functional>
#include <string>
#include <vector>

#include "core/scene/scene.hpp"
#include "core/scene/trace.hpp"

namespace attnscope {

// (*visible[h])[t]: the sorted keys query t reads in head h (its cache plus itself); heads with
// the same cache point at the same rows.
using DecodeRows = std::vector<const std::vector<std::vector<int>>*>;

// Steps are kept for every t when N is small and for evenly spaced t otherwise, so a long
// scene's trace stays small; `explain(t)` is the step's caption. Steps start at `first` (a
// prompt's length: its rows are a prefill, not decode steps); only the traced steps' rows are read.
// `why`, when given, is every decode step's reason; else the reason every decode step shares.
void decode_trace_steps(TraceBuilder& t, const Scene& scene, const DecodeRows& visible,
                        const std::function<std::string(int)>& explain, int first = 0,
                        const std::string& why = "");

// The decode steps t in [first, n) that get a trace step.
std::vector<int> decode_traced_steps(int n, int first = 0);

// What a group of a decode step holds, so views can draw dropped keys as gone rather than as
// cached; None for steps that decode_trace_steps did not make.
enum class DecodeRole { None, Visible, Dropped, Future };
DecodeRole decode_group_role(const Step& step, int group);

}  // namespace attnscope
