#pragma once
// A user's mask or attention tensor, read from a file, as the cells it allows per head.
#include <string>
#include <vector>

#include "core/row_runs.hpp"

namespace attnscope {

struct MaskTensor {
  enum class DType { Bool, Int, Float };
  DType dtype = DType::Float;
  std::vector<long> shape;    // (N, N), (H, N, N) or (B, H, N, N)
  std::vector<float> values;  // row-major; bool and int become 0/1 and their value
  std::string source;         // the file it came from, for messages
};

// How values map to allowed cells.
enum class MaskKind {
  Auto,      // bool/int: nonzero; float with any -inf: additive; other float: weights
  Boolean,   // nonzero is allowed
  Additive,  // 0 is allowed, -inf is masked (added to scores before softmax)
  Weights,   // attention probabilities: weight > 0 is allowed
};
MaskKind mask_kind_parse(const std::string& text);  // throws InputError naming "kind"
const char* mask_kind_name(MaskKind kind);

// Reads NumPy .npy files (bool, int8–64, uint8, float32/64; C or Fortran order).
MaskTensor npy_load(const std::string& path);

struct TensorCells {
  MaskKind kind = MaskKind::Auto;  // the kind actually used
  int n = 0;
  // One entry per (batch, head) slice, in the tensor's order.
  std::vector<RowRuns> allowed;
};

// Throws InputError for shapes that are not square masks and for NaN values (with position).
TensorCells mask_tensor_cells(const MaskTensor& tensor, MaskKind kind);

}  // namespace attnscope
