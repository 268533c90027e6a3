#pragma once
// BigBird's random key blocks, shared by the bigbird variant and its LibTorch reference so both
// read the same blocks. Not a variant.
#include <vector>

#include "core/scene.hpp"

namespace attnscope {

struct BigBirdPlan {
  int block = 0;   // b
  int blocks = 0;  // nb = N / b
  int random = 0;  // r random blocks per middle row
  // Per head, per middle block row I = 1..nb-2 (index I-1): the r random key blocks.
  std::vector<std::vector<std::vector<int>>> rand_attn;
};

// Reads --block, --random and --rand-blocks; without --rand-blocks, each head draws its blocks
// from the candidates of bigbird_block_rand_mask with a generator seeded by the scene seed.
// Throws SceneError naming the key.
BigBirdPlan bigbird_plan(const Scene& scene);

}  // namespace attnscope
