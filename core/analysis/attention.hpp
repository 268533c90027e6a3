#pragma once
// Masked attention on the Eigen core. Values are stored only for allowed cells, aligned with the
// head's mask (row-major over its cells), so masked cells are exactly 0 by construction and large
// scenes never hold an N×N matrix.
#include <array>
#include <vector>

#include "core/cells/row_runs.hpp"
#include "core/scene/frame.hpp"
#include "core/scene/qkv.hpp"

namespace attnscope {

struct HeadValues {
  std::vector<float> scores;   // QKᵀ/√D at the allowed cells
  std::vector<float> weights;  // softmax over each row's allowed cells
};

struct AttentionResult {
  int batch = 0, n = 0, heads = 0, d = 0;
  std::vector<HeadValues> values;  // index b·H + h
  std::vector<float> output;       // (B, N, H, D) row-major; rows with no allowed key are 0
  // Queries whose row allows no key at all, as (b, h, q): their weights and output are 0.
  std::vector<std::array<int, 3>> empty_rows;

  const HeadValues& head(int b, int h) const { return values[static_cast<size_t>(b) * heads + h]; }
  float output_at(int b, int token, int h, int i) const {
    return output[((static_cast<size_t>(b) * n + token) * heads + h) * d + i];
  }
};

// Any mask: one row at a time over the row's runs.
AttentionResult attention_sparse(const Qkv& qkv, const std::vector<RowRuns>& masks);

// Grouped variants: each segment of the frame is an independent G×G problem computed with GEMM,
// tile by tile, skipping the tiles a frame-causal mask drops entirely.
AttentionResult attention_grouped(const Qkv& qkv, const FrameLayout& frame,
                                  const std::vector<RowRuns>& masks);

// Outputs only, (B, N, H, D): the same grouped computation without keeping per-cell values.
std::vector<float> attention_grouped_output(const Qkv& qkv, const FrameLayout& frame);

// The full L×L score block of one segment in frame order, row-major, before the mask (for the
// step view); L is the segment's length.
std::vector<float> segment_scores(const Qkv& qkv, const HeadFrame& frame, int b, int h, int segment);

}  // namespace attnscope
