#pragma once
// DuoAttention's gate file, full_attention_heads.tsv as the repository ships it and np.savetxt
// writes it: one line per layer, one tab-separated α per KV head; α ≥ 0.5 makes the head a
// retrieval head (full attention), below it a streaming head. Not a variant.
#include <string>
#include <vector>

namespace attnscope {

// Every layer's α, clipped to [0, 1] as load_attn_pattern clips them. Throws SceneError (key
// "gates") naming the line for an unreadable file, a non-number or a ragged row.
std::vector<std::vector<double>> duo_gates_read(const std::string& path);

constexpr double kDuoRetrievalThreshold = 0.5;

}  // namespace attnscope
