#pragma once
// Writes float32 tensors to a .safetensors file (the format core/tensors/safetensors_header.hpp
// reads): the header's JSON, padded to 8 bytes, then each tensor's little-endian bytes in order.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace attnscope {

struct SafetensorsEntry {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major, as many as the shape holds
};

// The file's bytes; `metadata` becomes the header's "__metadata__" (strings only, as the format
// requires). Throws std::invalid_argument when an entry's data does not match its shape.
std::string safetensors_bytes(const std::vector<SafetensorsEntry>& entries,
                              const std::map<std::string, std::string>& metadata);
// Atomic (core/base/atomic_file.hpp): a reader never sees a half-written file.
void safetensors_write(const std::string& path, const std::vector<SafetensorsEntry>& entries,
                       const std::map<std::string, std::string>& metadata);

}  // namespace attnscope
