#pragma once
// What a TensorFile holds, filled by one function per format (tensor_file_<format>.cpp).
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensors/mapped_file.hpp"
#include "core/tensors/mask_tensor.hpp"
#include "core/tensors/tensor_file.hpp"

namespace attnscope {

// Where an entry's values are: the little-endian bytes of its dtype in row-major order, or
// floats already converted.
struct TensorValues {
  std::string_view raw;
  const float* floats = nullptr;
};

struct TensorSlot {
  TensorValues values;
  // Entries that need work before their first read (a compressed .npz member is inflated, a
  // Fortran-ordered array reordered) do it then, once; what it returns points into memory the
  // function owns.
  std::function<TensorValues()> load;
  std::once_flag loaded;
};

struct TensorContents {
  std::string source;
  std::vector<TensorEntry> entries;
  std::vector<std::unique_ptr<TensorSlot>> slots;  // one per entry
  std::shared_ptr<const void> storage;             // the mapping, bytes or tensor the views point into
  const MappedFile* mapping = nullptr;              // `storage` when it is a mapped file

  void add(TensorEntry entry, TensorValues values);
  void add(TensorEntry entry, std::function<TensorValues()> load);
};

// Each fills `contents` from the file's bytes, which `contents.storage` keeps.
void npy_contents(TensorContents& contents, std::string_view bytes, const std::string& entry_name);
void npz_contents(TensorContents& contents, std::string_view bytes);
void safetensors_contents(TensorContents& contents, std::string_view bytes);
// The tensor, or dict of tensors, read from a .pt file.
void pt_contents(TensorContents& contents, const MaskTensor& tensor, const std::string& entry_name);

}  // namespace attnscope
