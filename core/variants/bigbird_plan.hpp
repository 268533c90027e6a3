#pragma once
// BigBird's random key blocks, shared by the bigbird variant and its LibTorch reference so both
// read the same blocks. Not a variant.
#include <span>
#include <vector>

#include "core/scene/scene.hpp"

namespace attnscope {

struct BigBirdPlan {
  int block = 0;   // b
  int blocks = 0;  // nb = N / b
  int random = 0;  // r random blocks per middle row
  // Per head, r random key blocks for each middle block row I = 1..nb-2, row after row: one
  // flat list per head (nb = 65536 rows of one block each would otherwise be 2 M small vectors).
  std::vector<std::vector<int>> rand_attn;

  // The random key blocks of middle block row `row` (1..nb-2) of `head`.
  std::span<const int> random_blocks(int head, int row) const {
    return std::span<const int>(rand_attn[head]).subspan(static_cast<size_t>(row - 1) * random, random);
  }
};

// Reads and checks --block, --random and --rand-blocks, every error bigbird_plan can raise,
// without drawing: rand_attn stays empty.
BigBirdPlan bigbird_shape(const Scene& scene);

// Reads --block, --random and --rand-blocks; without --rand-blocks, each head draws its blocks
// from the candidates of bigbird_block_rand_mask with a generator seeded by the scene seed.
// Throws SceneError naming the key.
BigBirdPlan bigbird_plan(const Scene& scene);

}  // namespace attnscope
