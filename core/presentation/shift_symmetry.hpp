#pragma once
// Why a roll of -G/2 and one of +G/2 give S2-Attn the same pattern: rolls whose shifts differ by
// a multiple of G cut the tokens into the same groups, each in the same order; only the groups'
// order along the batch differs, and the batch order changes nothing (each row attends alone).
// -G/2 + G = +G/2, so the two half-group rolls agree exactly when G is even.
#include <cstdint>
#include <vector>

namespace attnscope {

struct ShiftGroups {
  int shift = 0;
  std::vector<std::vector<int>> rows;  // batch row (group) -> its tokens in frame order
};

struct ShiftSymmetry {
  ShiftGroups a, b;
  // For each batch row of a, the batch row of b holding the same tokens in the same order, or -1.
  std::vector<int> row_in_b;
  bool same_groups = false;   // every row of a has its twin in b
  int64_t mask_difference = 0;  // cells one roll's mask allows and the other's does not
};

// One shifted head of S2-Attn (groups of g, causal in the frame) under two rolls.
ShiftSymmetry shift_symmetry(int n, int g, int shift_a, int shift_b);

}  // namespace attnscope
