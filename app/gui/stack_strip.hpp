#pragma once
// A model stack's layer strip built from the core: every layer's analysis (stack_model, equal
// layers once), each layer's union over heads, and the receptive field through the layers.
#include <cstdint>
#include <functional>

#include "app/gui/app_state.hpp"

namespace attnscope {

// The receptive field's memory budget, as `export --view stack` has it.
inline constexpr int64_t kStackReachMaxBytes = int64_t{1} << 30;

// `have`: a strip of the same model (same key) already built, whose layers are reused, so moving
// between layers with the receptive field on computes only the field again. `reach_layer` >= 0
// keeps the field's sets after that layer and their image in `theme`'s colours (a field `have`
// holds already is reused: a theme change builds the image alone). `progress` gets 0..1 and may
// throw AnalysisCancelled.
StackStrip stack_strip_build(const Scene& scene, const StackStrip* have, int reach_layer, ThemeName theme,
                             const std::function<void(double)>& progress = {});

}  // namespace attnscope
