#pragma once
// A mask file opened for reading: .npy files are streamed row by row from disk (a 2 GiB mask
// never sits in memory), .pt files come through the LibTorch module the app registers.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensors/mask_tensor.hpp"
#include "core/tensors/tensor_dtype.hpp"

namespace attnscope {

struct MaskFile {
  std::string path;
  std::vector<long> shape;
  MaskTensor::DType dtype = MaskTensor::DType::Float;
  std::string dtype_name;
  // .pt files (and Fortran-ordered .npy files) are held here; otherwise the rows stream from disk.
  std::shared_ptr<const MaskTensor> tensor;
  // .npy layout on disk.
  int64_t data_offset = 0;
  TensorDType stored = TensorDType::Float32;

  int64_t element_count() const;
};

// .pt files are read by the reader registered with pt_reader_set (core/tensors/pt_reader.hpp).
// Throws InputError naming the file and what is wrong with it (missing, truncated, unknown
// dtype, not a tensor).
MaskFile mask_file_open(const std::string& path);

// The same for a .npy file's bytes already in memory (the fuzzer's entry point); `source` names
// the file in messages. The result holds its tensor.
MaskFile mask_file_parse(const std::string& bytes, const std::string& source);

// Calls visit(row, length) for every row (the last axis) in row-major order, `length` =
// shape.back(). Reads the disk in chunks of a few MiB.
void mask_file_rows(const MaskFile& file,
                    const std::function<void(const float* row, long length)>& visit);

// The same for 1-byte .npy files streamed from disk (bool, uint8, int8), as raw bytes: the fast
// path for large bool masks. Only valid when !file.tensor and the stored dtype is one byte.
void mask_file_byte_rows(const MaskFile& file,
                         const std::function<void(const uint8_t* row, long length)>& visit);

// Reads the whole file into memory (small files: tests, FlexAttention dicts).
MaskTensor mask_file_tensor(const MaskFile& file);

}  // namespace attnscope
