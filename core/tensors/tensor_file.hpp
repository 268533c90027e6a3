#pragma once
// A file of named tensors, opened by its extension: .npy (one array), .npz (numpy.savez and
// numpy.savez_compressed), .safetensors, and .pt through the reader the app registers
// (core/tensors/pt_reader.hpp). Entries are listed without reading their values; any part of one
// is then read as float32 on request. .npy, .safetensors and stored .npz members are mapped, not
// read, so a part costs only the pages it lies on.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensors/tensor_dtype.hpp"

namespace attnscope {

struct TensorEntry {
  std::string name;  // a file holding one tensor (.npy, a .pt of one tensor) names it by its stem
  TensorDType dtype = TensorDType::Float32;  // as stored; reads convert it to float32
  std::vector<long> shape;                   // empty for a scalar

  int64_t element_count() const;
  std::string shape_text() const;  // "(1, 16, 4, 8)"
};

// `count` runs of `length` consecutive elements in row-major order, the r-th starting at element
// `first + r * stride`: one head of a (B, N, H, D) tensor is N runs of D elements, H * D apart.
struct TensorRuns {
  int64_t first = 0, length = 0, stride = 0, count = 1;
};

struct TensorContents;

class TensorFile {
 public:
  // Throws InputError naming the file and what is wrong with it.
  static TensorFile open(const std::string& path);
  // Bytes already in memory, in the format `source`'s extension names (.npy, .npz, .safetensors).
  static TensorFile parse(std::string bytes, const std::string& source);

  const std::string& source() const;
  const std::vector<TensorEntry>& entries() const;
  // nullptr when the file has no entry of that name.
  const TensorEntry* find(std::string_view name) const;

  // Reads `runs` of `entry` (one of entries()) into out[r * runs.length + i], converted to
  // float32, touching only their bytes. Throws std::out_of_range for runs outside the entry.
  void read(const TensorEntry& entry, const TensorRuns& runs, float* out) const;
  std::vector<float> read(const TensorEntry& entry) const;

 private:
  explicit TensorFile(std::shared_ptr<const TensorContents> contents);
  std::shared_ptr<const TensorContents> contents_;
};

}  // namespace attnscope
