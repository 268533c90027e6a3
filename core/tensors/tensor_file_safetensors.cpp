// .safetensors files: every tensor is a view of the mapped data.
#include "core/tensors/safetensors_header.hpp"
#include "core/tensors/tensor_contents.hpp"

namespace attnscope {

void safetensors_contents(TensorContents& contents, std::string_view bytes) {
  const SafetensorsHeader header = safetensors_header_parse(bytes, contents.source);
  const std::string_view data = bytes.substr(header.data_offset);
  for (const SafetensorsTensor& t : header.tensors)
    contents.add({t.name, t.dtype, t.shape}, TensorValues{data.substr(t.begin, t.end - t.begin), nullptr});
}

}  // namespace attnscope
