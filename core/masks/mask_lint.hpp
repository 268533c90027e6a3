#pragma once
// Judges a user's mask, read as cells per slice, against a policy: leaks, rows that read no key,
// blocked diagonals, masks with no causal structure, and slices that differ.
#include <string>
#include <utility>
#include <vector>

#include "core/masks/mask_reading.hpp"
#include "core/scene/policy.hpp"

namespace attnscope {

// Where a (Nq, Nk) mask's queries sit among the Nk positions: the last Nq (a KV cache, the
// default) or the first Nq.
enum class MaskAlign { BottomRight, TopLeft };
MaskAlign mask_align_parse(const std::string& text);  // throws InputError naming "align"
const char* mask_align_name(MaskAlign align);

struct MaskFinding {
  std::string name;   // the finding's class: leak, window-off-by-one, empty-row, ...
  int slice = -1;     // -1: about the whole mask
  bool fails = true;  // makes lint exit 1
  std::string text;
  std::vector<std::pair<int, int>> cells;  // (query position, key) it is about
};

struct MaskLint {
  int first_query = 0;             // position of query row 0
  std::vector<RowRuns> leaks;      // per slice, in positions: rows are query rows
  std::vector<MaskFinding> findings;
  bool fails() const;
  int64_t total_leaks() const;
};

// `empty_row_effect` says what softmax does to a row that reads no key under the reading.
MaskLint mask_lint(const std::vector<RowRuns>& cells, const MaskShape& shape, const Policy& policy,
                   MaskAlign align, const std::string& empty_row_effect);

// When the mask fails but reading it the other way round (the other bool convention, the other
// alignment) makes it clean, a hint naming the flag that reads it that way.
struct MaskHint {
  std::string flag;  // "--kind blocked"
  std::string text;
};
std::vector<MaskHint> mask_hints(const MaskScan& scan, const MaskReading& reading,
                                 const Policy& policy, MaskAlign align);

// "(q=3, k=7)" for every cell up to `limit`, then "..." when there are more.
std::string mask_cells_text(const std::vector<std::pair<int, int>>& cells, size_t limit);

}  // namespace attnscope
