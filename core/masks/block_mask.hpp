#pragma once
// FlexAttention block masks saved with torch.save as a dict of their tensors: kv_num_blocks and
// kv_indices list each query block's partial key blocks, full_kv_num_blocks and full_kv_indices
// its fully allowed ones, BLOCK_SIZE the block size (an int or a (q, kv) pair).
#include <string>
#include <vector>

#include "core/masks/mask_lint.hpp"
#include "core/tensors/mask_tensor.hpp"

namespace attnscope {

struct BlockMask {
  MaskShape shape;  // in cells
  int block_q = 128, block_kv = 128;
  int q_blocks = 0, kv_blocks = 0;
  // [slice][q block] -> key blocks.
  std::vector<std::vector<std::vector<int>>> partial, full;
};

// Throws InputError naming the missing or malformed entry.
BlockMask block_mask_from(const MaskTensor& dict);

// Cells for judging and drawing: full blocks whole; partial blocks as the policy allows inside
// them (their mask_mod decides there, and it is not in the file), or whole when the policy allows
// none of their cells.
std::vector<RowRuns> block_mask_cells(const BlockMask& mask, const Policy& policy, MaskAlign align);

// One finding per slice naming the blocks that hold keys the policy forbids.
std::vector<MaskFinding> block_mask_findings(const BlockMask& mask, const Policy& policy,
                                             MaskAlign align);

std::string block_mask_reason(const BlockMask& mask);

}  // namespace attnscope
