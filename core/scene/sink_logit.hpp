#pragma once
// GPT-OSS's attention sinks: a learned logit per head appended to every row as one more softmax
// column that has no value. The row's weights then sum to less than 1, the rest being the sink's
// share; it is not a sink token (no key is read, no cell is added to the mask).
#include <cstdint>
#include <vector>

#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

// The parameter of the variants whose rows may carry a sink (GPT-OSS's sliding and full layers).
inline constexpr const char* kSinkLogitParam = "sink-logit";
ParamSpec sink_logit_param();

// Per head; empty when the scene's variant takes no sink or none is set. "0.8" gives every head
// 0.8; "0.8,-1.2" one per head. Throws SceneError naming sink-logit on bad text or a wrong count.
std::vector<float> scene_sink_logits(const Scene& scene);

// The sink's share of a row with these scores: exp(s) / (exp(s) + Σ exp(score)), computed stably.
float sink_share(const float* scores, int64_t count, float sink);

}  // namespace attnscope
