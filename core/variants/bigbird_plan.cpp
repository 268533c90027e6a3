#include "core/variants/bigbird_plan.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <utility>

#include "core/variants/variant_params.hpp"

namespace attnscope {

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Candidate key blocks of middle row i as bigbird_block_rand_mask slices middle_seq = 1..nb-2:
// rows 1 and 2 skip their window from below, rows nb-3 and nb-2 draw from every middle block
// (the code's "Missing -3/-4" comments), the others exclude the window i-1..i+1. Held as at most
// two ranges, so a row costs O(r) draws rather than O(nb) (nb = 65536 blocks at N = 131072).
class Candidates {
 public:
  Candidates(int i, int nb) {
    if (i == 1) add(3, nb - 2);
    else if (i == 2) add(4, nb - 2);
    else if (i == nb - 3 || i == nb - 2) add(1, nb - 2);
    else {
      add(1, std::min(i - 2, nb - 2));
      add(i + 2, nb - 2);
    }
  }
  size_t size() const { return first_count_ + second_count_; }
  int at(size_t index) const {
    return index < first_count_ ? first_ + static_cast<int>(index)
                                : second_ + static_cast<int>(index - first_count_);
  }

 private:
  void add(int lo, int hi) {  // the blocks lo..hi, if any
    if (hi < lo) return;
    if (first_count_ == 0) {
      first_ = lo;
      first_count_ = static_cast<size_t>(hi - lo + 1);
    } else {
      second_ = lo;
      second_count_ = static_cast<size_t>(hi - lo + 1);
    }
  }
  int first_ = 0, second_ = 0;
  size_t first_count_ = 0, second_count_ = 0;
};

}  // namespace

BigBirdPlan bigbird_shape(const Scene& scene) {
  BigBirdPlan plan;
  plan.block = param_int(scene, "block", 1, scene.n, fmt::format("use --block 1..{}", scene.n));
  if (scene.n % plan.block != 0)
    throw SceneError(fmt::format("block: BigBird needs n divisible by the block size; {} does not "
                                 "divide n = {}",
                                 plan.block, scene.n));
  plan.blocks = scene.n / plan.block;
  plan.random = param_int(scene, "random", 0, scene.n, "use a small --random, e.g. 1");
  const int middle = std::max(0, plan.blocks - 2);
  const std::vector<int64_t> given = scene_param_int_list(scene, "rand-blocks");
  if (!given.empty()) {
    if (static_cast<int>(given.size()) != plan.random * middle)
      throw SceneError(fmt::format("rand-blocks: expected random x (nb - 2) = {} x {} = {} blocks, "
                                   "row by row, got {}",
                                   plan.random, middle, plan.random * middle, given.size()));
    for (const int64_t j : given)
      if (j < 0 || j >= plan.blocks)
        throw SceneError(fmt::format("rand-blocks: block {} is outside 0..{}", j, plan.blocks - 1));
    return plan;
  }
  for (int i = 1; i <= plan.blocks - 2; ++i)
    if (const size_t pool = Candidates(i, plan.blocks).size(); static_cast<int>(pool) < plan.random)
      throw SceneError(fmt::format("random: block row {} has only {} candidate blocks for {} "
                                   "random blocks; lower --random or use more blocks (larger "
                                   "n or smaller --block)",
                                   i, pool, plan.random));
  return plan;
}

BigBirdPlan bigbird_plan(const Scene& scene) {
  BigBirdPlan plan = bigbird_shape(scene);
  const std::vector<int64_t> given = scene_param_int_list(scene, "rand-blocks");
  if (!given.empty()) {
    plan.rand_attn.assign(static_cast<size_t>(scene.heads), std::vector<int>(given.begin(), given.end()));
    return plan;
  }
  // Positions a row's partial shuffle has swapped, and what they hold: r of them at most, so a
  // list beats a map's allocation per swap (65536 rows × 32 heads at N = 131072).
  std::vector<std::pair<size_t, int>> swapped;
  for (int h = 0; h < scene.heads; ++h) {
    uint64_t state = scene.seed * 0x100000001B3ull + static_cast<uint64_t>(h);
    std::vector<int> row;  // every row's blocks, one row after the other
    row.reserve(static_cast<size_t>(std::max(0, plan.blocks - 2)) * plan.random);
    for (int i = 1; i <= plan.blocks - 2; ++i) {
      const Candidates pool(i, plan.blocks);
      // A partial Fisher-Yates shuffle: np.random.permutation(pool)[:r] with our own generator;
      // only the swapped positions are stored.
      swapped.clear();
      auto slot = [&](size_t index) -> std::pair<size_t, int>& {
        for (auto& entry : swapped)
          if (entry.first == index) return entry;
        return swapped.emplace_back(index, pool.at(index));
      };
      for (int r = 0; r < plan.random; ++r) {
        const size_t pick = r + splitmix64(state) % (pool.size() - r);
        const int at_r = slot(r).second, at_pick = slot(pick).second;
        slot(r).second = at_pick;
        slot(pick).second = at_r;
        row.push_back(at_pick);
      }
    }
    plan.rand_attn.push_back(std::move(row));
  }
  return plan;
}

}  // namespace attnscope
