#pragma once
// A user's tensor held in memory (what torch.save files become: masks, q, k, v, dicts of
// them), and the dtype names the reports use.
#include <string>
#include <vector>

namespace attnscope {

struct MaskTensor {
  enum class DType { Bool, Int, Float };
  DType dtype = DType::Float;
  std::string dtype_name = "float32";  // as PyTorch and NumPy name it: bool, int64, bfloat16, ...
  std::vector<long> shape;              // empty for a scalar
  std::vector<float> values;            // row-major; bool and int become 0/1 and their value
  std::string source;                   // the file it came from, for messages
  // A file holding a dict of tensors (FlexAttention's BlockMask fields): its entries, in order;
  // then `shape` and `values` are empty.
  std::vector<std::string> entry_names;
  std::vector<MaskTensor> entries;

  bool is_dict() const { return !entry_names.empty(); }
  const MaskTensor* entry(const std::string& name) const;
};

// A tensor read in another process crosses a pipe (app/cli/torch_loader.cpp): a JSON header,
// a newline, then the values as raw floats. Parsing throws InputError on bytes it did not write.
std::string mask_tensor_serialize(const MaskTensor& tensor);
MaskTensor mask_tensor_parse(const std::string& bytes);

}  // namespace attnscope
