#pragma once
// The rule a mask is judged against. A leak is a cell the variant allows and the policy forbids.
#include <cstdint>
#include <string>
#include <vector>

#include "core/cells/row_runs.hpp"

namespace attnscope {

struct Policy {
  enum class Kind { Causal, Bidirectional, Prefix, Documents, DocumentsBidirectional, Window };
  Kind kind = Kind::Causal;
  int prefix = 0;                 // Prefix: tokens [0, prefix) see each other both ways
  std::vector<int> doc_lengths;   // Documents: consecutive documents, causal (or both ways) inside
  int window = 0;                 // Window: a causal sliding window of this many keys, q included
};

// Parses "causal", "bidirectional", "prefix:P", "documents:a,b,c" (lengths summing to n),
// "documents-bidirectional:a,b,c" (encoder-style packing) and "window:W".
// Throws SceneError naming the `policy` key.
Policy policy_parse(const std::string& text, int n);
// Packed sequences as flash-attention's varlen functions take them: offsets 0, l0, l0+l1, ..., n.
// A causal base policy becomes documents, a bidirectional one documents-bidirectional.
// The sequence lengths of cu_seqlens offsets; throws SceneError naming `cu-seqlens` unless they
// start at 0, increase and end at n.
std::vector<int> cu_seqlens_lengths(const std::vector<int64_t>& offsets, int n);
Policy policy_with_cu_seqlens(const Policy& base, const std::vector<int64_t>& offsets, int n);
std::string policy_name(const Policy& policy);

RowRuns policy_allowed_cells(const Policy& policy, int n);
bool policy_allows(const Policy& policy, int q, int k);
// Why the policy forbids (q, k), e.g. "key 14 comes after query 0, and the causal policy
// forbids looking ahead". Only meaningful for forbidden cells.
std::string policy_reason(const Policy& policy, int q, int k);

}  // namespace attnscope
