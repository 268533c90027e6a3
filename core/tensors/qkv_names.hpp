#pragma once
// Which entries of a tensor file are q, k and v, or one packed qkv, and the layer their names
// carry.
//
// The rule: a name is split at '.' and '/'. Its last component says what it holds: q or query,
// k or key, v or value, qkv (packed). Its layer is the last component before that made of digits
// alone ("model.layers.3.self_attn.q" is q of layer 3, "layers.3.q" too, "q" has no layer).
// Entries of the same layer form a group, those without one a group of their own; the layer
// option picks a group, and without it a file must hold only one. A file with no such names
// and a single tensor (a .npy, a torch.save of one tensor) holds a packed qkv.
// `names` ("q=A,k=B,v=C" or "qkv=A") overrides the rule.
#include <optional>
#include <string>
#include <vector>

#include "core/tensors/tensor_file.hpp"

namespace attnscope {

struct QkvChoice {
  // q, k, v, or all three the same packed entry.
  const TensorEntry* q = nullptr;
  const TensorEntry* k = nullptr;
  const TensorEntry* v = nullptr;
  bool packed = false;
  std::optional<int> layer;  // chosen by name, when the names carry layers
  std::vector<int> layers;   // every layer the names carry, ascending
  std::string reason;        // "the file names them q, k, v"
};

// Throws InputError naming the file, listing its entries when q, k or v is missing and the
// layers when several are present but none chosen.
QkvChoice qkv_choose(const TensorFile& file, const std::string& names, std::optional<int> layer);

// "'q' (float32, (2, 8, 4, 8)), 'k' (...), ..." for messages: the first dozen entries.
std::string qkv_entry_list(const TensorFile& file);

}  // namespace attnscope
