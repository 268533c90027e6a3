#include "core/masks/mask_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/base/input_error.hpp"
#include "core/tensors/npy_format.hpp"
#include "core/tensors/pt_reader.hpp"
#include "core/tensors/tensor_file.hpp"

namespace attnscope {

namespace {

// How lint reads an element type: bools, integers (numbers or block ids) or floats.
MaskTensor::DType mask_dtype(TensorDType dtype) {
  if (dtype == TensorDType::Bool) return MaskTensor::DType::Bool;
  return tensor_dtype_floating(dtype) ? MaskTensor::DType::Float : MaskTensor::DType::Int;
}

MaskFile npy_mask_file(const NpyHeader& npy, const std::string& source) {
  MaskFile file;
  file.path = source;
  file.shape = npy.shape;
  file.stored = npy.dtype;
  file.dtype = mask_dtype(npy.dtype);
  file.dtype_name = tensor_dtype_name(npy.dtype);
  file.data_offset = npy.data_offset;
  return file;
}

MaskFile npy_open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("file: cannot open '" + path + "'; check the path");
  const auto read = [&](int64_t offset, size_t length) {
    std::string bytes(length, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(length));
    bytes.resize(static_cast<size_t>(in.gcount()));
    return bytes;
  };
  const NpyHeader npy =
      npy_header_parse(read, static_cast<int64_t>(std::filesystem::file_size(path)), path, "the mask");
  MaskFile file = npy_mask_file(npy, path);
  if (npy.fortran && file.shape.size() > 1) {
    // Read it whole to reorder it; the rows then come from memory.
    MaskTensor t = mask_file_tensor(file);
    npy_fortran_to_row_major(t.shape, t.values);
    file.tensor = std::make_shared<const MaskTensor>(std::move(t));
  }
  return file;
}

}  // namespace

int64_t MaskFile::element_count() const {
  int64_t count = 1;
  for (long d : shape) count *= d;
  return count;
}

namespace {

// A .npz or .safetensors file of one tensor (a model's weights saved with numpy.savez or
// safetensors), read whole like a .pt file.
MaskTensor archive_tensor(const std::string& path) {
  const TensorFile file = TensorFile::open(path);
  if (file.entries().size() != 1)
    throw InputError(fmt::format("file: {} holds {} tensors; save the mask or weights as its only tensor", path,
                                 file.entries().size()));
  const TensorEntry& entry = file.entries().front();
  MaskTensor tensor;
  tensor.dtype = entry.dtype == TensorDType::Bool        ? MaskTensor::DType::Bool
                 : tensor_dtype_floating(entry.dtype) ? MaskTensor::DType::Float
                                                      : MaskTensor::DType::Int;
  tensor.dtype_name = std::string(tensor_dtype_name(entry.dtype));
  tensor.shape = entry.shape;
  tensor.values = file.read(entry);
  tensor.source = path;
  return tensor;
}

}  // namespace

MaskFile mask_file_open(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".npy") return npy_open(path);
  const bool archive = extension == ".npz" || extension == ".safetensors";
  if (!archive && extension != ".pt" && extension != ".pth")
    throw InputError("file: '" + path + "' is not .npy, .npz, .safetensors or .pt; save the mask with "
                     "numpy.save or torch.save");
  auto tensor = std::make_shared<MaskTensor>(archive ? archive_tensor(path) : pt_read(path, "use .npy"));
  MaskFile file;
  file.path = path;
  file.shape = tensor->shape;
  file.dtype = tensor->dtype;
  file.dtype_name = tensor->dtype_name;
  file.tensor = std::move(tensor);
  return file;
}

MaskFile mask_file_parse(const std::string& bytes, const std::string& source) {
  const NpyHeader npy = npy_header_parse(bytes, source, "the mask");
  MaskFile file = npy_mask_file(npy, source);
  auto t = std::make_shared<MaskTensor>();
  t->source = source;
  t->shape = file.shape;
  t->dtype = file.dtype;
  t->dtype_name = file.dtype_name;
  t->values.resize(static_cast<size_t>(npy.element_count));
  tensor_values_to_float(npy.dtype, bytes.data() + npy.data_offset, npy.element_count, t->values.data());
  if (npy.fortran) npy_fortran_to_row_major(t->shape, t->values);
  file.tensor = std::move(t);
  return file;
}

namespace {

// The length of a row (the last axis); a scalar is one row of one.
long row_length(const MaskFile& file) { return file.shape.empty() ? 1 : file.shape.back(); }

// Streams the raw bytes of the data, whole rows at a time, about 4 MiB per read.
void npy_raw_rows(const MaskFile& file, const std::function<void(const char* row, long length)>& visit) {
  const long length = row_length(file);
  // Any zero axis: no rows, and the other axes may be too long to size a buffer by.
  if (length == 0 || file.element_count() == 0) return;
  const int64_t rows = file.element_count() / length;
  std::ifstream in(file.path, std::ios::binary);
  in.seekg(file.data_offset);
  const int64_t row_bytes = length * static_cast<int64_t>(tensor_dtype_size(file.stored));
  const int64_t rows_per_chunk = std::max<int64_t>(1, (int64_t{4} << 20) / row_bytes);
  std::vector<char> chunk(static_cast<size_t>(rows_per_chunk * row_bytes));
  for (int64_t r = 0; r < rows; r += rows_per_chunk) {
    const int64_t count = std::min(rows_per_chunk, rows - r);
    if (!in.read(chunk.data(), static_cast<std::streamsize>(count * row_bytes)))
      throw InputError("file: " + file.path + " ended while reading it; was it being written?");
    for (int64_t i = 0; i < count; ++i) visit(chunk.data() + i * row_bytes, length);
  }
}

}  // namespace

void mask_file_rows(const MaskFile& file,
                    const std::function<void(const float* row, long length)>& visit) {
  const long length = row_length(file);
  if (length == 0 || file.element_count() == 0) return;
  if (file.tensor) {
    const int64_t rows = file.element_count() / length;
    for (int64_t r = 0; r < rows; ++r) visit(file.tensor->values.data() + r * length, length);
    return;
  }
  std::vector<float> row(static_cast<size_t>(length));
  npy_raw_rows(file, [&](const char* bytes, long n) {
    tensor_values_to_float(file.stored, bytes, n, row.data());
    visit(row.data(), n);
  });
}

void mask_file_byte_rows(const MaskFile& file,
                         const std::function<void(const uint8_t* row, long length)>& visit) {
  npy_raw_rows(file, [&](const char* bytes, long n) { visit(reinterpret_cast<const uint8_t*>(bytes), n); });
}

MaskTensor mask_file_tensor(const MaskFile& file) {
  if (file.tensor) return *file.tensor;
  MaskTensor t;
  t.source = file.path;
  t.shape = file.shape;
  t.dtype = file.dtype;
  t.dtype_name = file.dtype_name;
  t.values.reserve(static_cast<size_t>(file.element_count()));
  mask_file_rows(file, [&](const float* row, long length) { t.values.insert(t.values.end(), row, row + length); });
  return t;
}

}  // namespace attnscope
