#pragma once
// Judges a user's mask, read as cells per slice, against a policy: leaks, windows one key too wide
// or too narrow, rows that read no key, blocked diagonals, masks with no causal structure, cells
// the policy allows that the mask blocks, rectangles aligned top-left, finite blocked values, and
// slices that differ.
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
// The position of query row 0 under the alignment.
int mask_first_query(const MaskShape& shape, MaskAlign align);

// "mask", "head 1" or "batch 0 head 1", as the reports name a slice.
std::string mask_slice_name(const MaskShape& shape, int slice);

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
// Cells the policy allows and the mask blocks are always reported (under-coverage); they fail
// the mask only in a slice whose share of the policy's cells is below `min_coverage`, because
// a sparse mask judged against a dense policy blocks cells by design.
MaskLint mask_lint(const std::vector<RowRuns>& cells, const MaskShape& shape, const Policy& policy,
                   MaskAlign align, const std::string& empty_row_effect, double min_coverage = 0);

// Findings about the values themselves rather than the cells: an additive mask whose blocked
// value is finite and small enough for a score to beat it (finite-sentinel).
std::vector<MaskFinding> mask_value_findings(const MaskScan& scan, MaskKind kind);

// When the mask fails but reading it the other way round (the other bool convention, the other
// alignment) makes it clean, a hint naming the flag that reads it that way.
struct MaskHint {
  std::string flag;  // "--kind blocked"
  std::string text;
};
// A mask read top-left that is clean read bottom-right gets a hint; the other way round is the
// top-left-aligned finding.
std::vector<MaskHint> mask_hints(const MaskScan& scan, const MaskReading& reading,
                                 const Policy& policy, MaskAlign align, double min_coverage = 0);

// "(q=3, k=7)" for every cell up to `limit`, then "..." when there are more.
std::string mask_cells_text(const std::vector<std::pair<int, int>>& cells, size_t limit);

}  // namespace attnscope
