#pragma once
// Sparse kernels' index lists read as the mask they imply: an integer tensor (B, H, Nq, K),
// (H, Nq, K) or (Nq, K) of the blocks (native sparse attention's selection, MoBA) or keys (a
// DSA indexer's top-k, MInference's vertical indices) each query reads, padded with an invalid
// value. Each listed block stands for its keys; no causal guard is added, because the kernel's
// contract is what the list says. What is wrong with the list itself is found while reading it.
#include <cstdint>
#include <string>
#include <vector>

#include "core/masks/mask_file.hpp"
#include "core/masks/mask_lint.hpp"

namespace attnscope {

enum class IndexUnit { Token, Block };
IndexUnit index_unit_parse(const std::string& text);  // throws InputError naming "indices"
const char* index_unit_name(IndexUnit unit);          // "token" or "block"

// The order a kernel requires of each query's list (MInference: vertical indices ascending,
// slash indices descending).
enum class IndexOrder { Any, Ascending, Descending };
IndexOrder index_order_parse(const std::string& text);  // throws InputError naming "require-sorted"

struct IndexListOptions {
  IndexUnit unit = IndexUnit::Token;
  int block_size = 1;    // keys per block; 1 for token lists
  int keys = 0;          // N, the keys the list indexes; 0: as many as there are queries
  int64_t invalid = -1;  // the padding value
  IndexOrder order = IndexOrder::Any;
  auto operator<=>(const IndexListOptions&) const = default;
};

// The mask an index file implies: Nq queries, N keys, its batch and head axes. Throws
// InputError naming the file for a dict, a shape that is not a list per query, or more queries
// than keys.
MaskShape index_list_shape(const MaskFile& file, const IndexListOptions& options);

struct IndexList {
  std::string reason;                 // the first line of the report: how the list was read
  std::vector<RowRuns> cells;         // per slice, queries x keys: the listed blocks' keys
  // index-future, duplicate-index, index-out-of-range and unsorted-indices, per slice; their
  // cells are (query position, the index as listed).
  std::vector<MaskFinding> findings;
};

// Reads the list in one pass (a .npy file streams from disk). `first_query` is the position of
// query row 0 (mask_first_query). Throws InputError for a file of floats or bools.
IndexList index_list_read(const MaskFile& file, const MaskShape& shape, const IndexListOptions& options,
                          const Policy& policy, int first_query);

}  // namespace attnscope
