#pragma once
// The header of a .safetensors file: an 8-byte little-endian length, then that many bytes of
// JSON naming each tensor's dtype, shape and [begin, end) within the data that follows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensors/tensor_dtype.hpp"

namespace attnscope {

struct SafetensorsTensor {
  std::string name;
  TensorDType dtype = TensorDType::Float32;
  std::vector<long> shape;
  uint64_t begin = 0, end = 0;  // bytes, from the start of the data
};

struct SafetensorsHeader {
  uint64_t data_offset = 0;                // where the data starts: 8 + the header's length
  std::vector<SafetensorsTensor> tensors;  // in the header's order
};

// Reads the header at the start of `file` (the whole file's bytes; only the header is touched)
// and checks it against the file: its length within the file and under 100 MB, JSON, known
// dtypes, every tensor's bytes inside the data, as many as its shape needs, and no two tensors
// sharing bytes. Throws InputError naming `source`, the tensor and its shape.
SafetensorsHeader safetensors_header_parse(std::string_view file, const std::string& source);

}  // namespace attnscope
