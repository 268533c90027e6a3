#pragma once
// The one reader of NumPy .npy headers (format 1.0, 2.0 and 3.0): magic, version, the header
// dict's descr, fortran_order and shape, and where the data starts. Mask files, .npy tensor
// files and the members of .npz archives all go through it.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/tensors/tensor_dtype.hpp"

namespace attnscope {

struct NpyHeader {
  std::string descr;  // as written: '<f4', '|b1', ...
  TensorDType dtype = TensorDType::Float32;
  std::vector<long> shape;
  bool fortran = false;     // column-major data
  int64_t data_offset = 0;  // where the data starts, from the start of the .npy bytes
  int64_t element_count = 0;

  int64_t data_bytes() const { return element_count * static_cast<int64_t>(tensor_dtype_size(dtype)); }
};

// Shapes beyond this are refused before any arithmetic on them: 2^40 one-byte elements is a
// terabyte, and products up to it cannot overflow int64 even times 8 bytes.
constexpr int64_t kTensorMaxElements = int64_t{1} << 40;

// Reads `length` bytes at `offset` of the .npy bytes being parsed (fewer at their end).
using NpyByteSource = std::function<std::string(int64_t offset, size_t length)>;

// Parses the header of .npy bytes `size` long and checks that the data its shape describes is
// all there. Throws InputError naming `source`; a dtype it does not read is refused with advice
// on how to save `holds` ("the mask", "the array") instead.
NpyHeader npy_header_parse(const NpyByteSource& read, int64_t size, const std::string& source, std::string_view holds);
// The same for .npy bytes in memory (or mapped).
NpyHeader npy_header_parse(std::string_view bytes, const std::string& source, std::string_view holds);

// The bytes numpy.save writes before the data (format 1.0): magic, version, little-endian header
// length, and the dict padded to a multiple of 64 bytes. `weights` writes float32 arrays with it.
std::string npy_header_text(const std::string& descr, const std::vector<long>& shape, bool fortran = false);

// Values of a Fortran-ordered (column-major) array of `shape`, reordered to row-major in place.
void npy_fortran_to_row_major(const std::vector<long>& shape, std::vector<float>& values);

}  // namespace attnscope
