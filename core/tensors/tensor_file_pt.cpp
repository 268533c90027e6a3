// .pt files, already read into memory as floats by the registered reader.
#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"
#include "core/tensors/tensor_contents.hpp"

namespace attnscope {

namespace {

void add_tensor(TensorContents& contents, const MaskTensor& tensor, const std::string& name) {
  const std::optional<TensorDType> dtype = tensor_dtype_named(tensor.dtype_name);
  if (!dtype)
    throw InputError("file: " + contents.source + ": tensor '" + printable_line(name) + "' is " +
                     printable_line(tensor.dtype_name) +
                     ", which attnscope does not read; save it as float32, "
                     "float16 or bfloat16");
  contents.add({name, *dtype, tensor.shape}, TensorValues{{}, tensor.values.data()});
}

}  // namespace

void pt_contents(TensorContents& contents, const MaskTensor& tensor, const std::string& entry_name) {
  if (!tensor.is_dict()) return add_tensor(contents, tensor, entry_name);
  for (size_t i = 0; i < tensor.entries.size(); ++i) add_tensor(contents, tensor.entries[i], tensor.entry_names[i]);
}

}  // namespace attnscope
