#include "core/mask_file.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/scene.hpp"

namespace attnscope {

namespace {

PtReader& pt_reader() {
  static PtReader reader = nullptr;
  return reader;
}

// IEEE binary16 -> float (NumPy's float16).
float half_to_float(uint16_t h) {
  const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float value;
  if (exponent == 0) value = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31) value = mantissa ? NAN : INFINITY;
  else value = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  return sign ? -value : value;
}

template <typename T>
float read_as_float(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return static_cast<float>(value);
}

float read_half(const char* p) {
  uint16_t value;
  std::memcpy(&value, p, 2);
  return half_to_float(value);
}

struct NpyType {
  const char* descr;
  size_t size;
  MaskTensor::DType dtype;
  const char* name;
  float (*read)(const char*);
};

constexpr NpyType kNpyTypes[] = {
    {"|b1", 1, MaskTensor::DType::Bool, "bool", read_as_float<bool>},
    {"|u1", 1, MaskTensor::DType::Int, "uint8", read_as_float<uint8_t>},
    {"|i1", 1, MaskTensor::DType::Int, "int8", read_as_float<int8_t>},
    {"<i2", 2, MaskTensor::DType::Int, "int16", read_as_float<int16_t>},
    {"<i4", 4, MaskTensor::DType::Int, "int32", read_as_float<int32_t>},
    {"<i8", 8, MaskTensor::DType::Int, "int64", read_as_float<int64_t>},
    {"<f2", 2, MaskTensor::DType::Float, "float16", read_half},
    {"<f4", 4, MaskTensor::DType::Float, "float32", read_as_float<float>},
    {"<f8", 8, MaskTensor::DType::Float, "float64", read_as_float<double>},
};

const NpyType& npy_type(const std::string& descr) {
  for (const NpyType& type : kNpyTypes)
    if (descr == type.descr) return type;
  throw std::logic_error("unknown descr");
}

MaskFile npy_open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SceneError("file: cannot open '" + path + "'; check the path");
  const auto bad = [&](const std::string& why) {
    return SceneError("file: " + path + " is not a NumPy .npy array we can read (" + why + ")");
  };
  char start[12] = {};
  in.read(start, sizeof start);
  const auto got = in.gcount();
  if (got < 10 || std::memcmp(start, "\x93NUMPY", 6) != 0) throw bad("no .npy magic");
  const int major = static_cast<unsigned char>(start[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(start[8]) | static_cast<unsigned char>(start[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (got < 12) throw bad("truncated header");
    for (int i = 0; i < 4; ++i) header_len |= size_t(static_cast<unsigned char>(start[8 + i])) << (8 * i);
    offset = 12;
  } else {
    throw bad(fmt::format("format version {}", major));
  }
  const auto file_size = static_cast<int64_t>(std::filesystem::file_size(path));
  if (static_cast<int64_t>(offset + header_len) > file_size) throw bad("truncated header");
  std::string header(header_len, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']+)'"))) throw bad("no descr");
  MaskFile file;
  file.path = path;
  file.descr = m[1];
  const bool fortran = std::regex_search(header, std::regex("'fortran_order':\\s*True"));
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) throw bad("no shape");
  const std::string dims = m[1];
  const std::regex number("\\d+");
  for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it)
    file.shape.push_back(std::stol(it->str()));
  bool known = false;
  for (const NpyType& type : kNpyTypes) known = known || file.descr == type.descr;
  if (!known)
    throw bad("dtype " + file.descr + "; save the mask as bool, int, float16, float32 or float64");
  const NpyType& type = npy_type(file.descr);
  file.dtype = type.dtype;
  file.dtype_name = type.name;
  file.item_size = type.size;
  file.data_offset = static_cast<int64_t>(offset + header_len);
  const int64_t needed = file.element_count() * static_cast<int64_t>(type.size);
  if (file.data_offset + needed > file_size)
    throw bad(fmt::format("the data is {} bytes, shorter than the {} its shape ({}) says; the file "
                          "is truncated: save it again",
                          file_size - file.data_offset, needed, fmt::join(file.shape, ", ")));
  if (fortran && file.shape.size() > 1) {
    // Column-major on disk: read it whole and reverse the axes' strides to row-major.
    MaskFile column_major = file;
    MaskTensor t = mask_file_tensor(column_major);
    std::vector<float> row_major(t.values.size());
    std::vector<long> index(t.shape.size(), 0);
    for (size_t flat = 0; flat < row_major.size(); ++flat) {
      size_t f = 0, stride = 1;
      for (size_t a = 0; a < t.shape.size(); ++a) {
        f += index[a] * stride;
        stride *= t.shape[a];
      }
      row_major[flat] = t.values[f];
      for (int a = static_cast<int>(t.shape.size()) - 1; a >= 0; --a) {
        if (++index[a] < t.shape[a]) break;
        index[a] = 0;
      }
    }
    t.values = std::move(row_major);
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

void mask_file_set_pt_reader(PtReader reader) { pt_reader() = reader; }

MaskFile mask_file_open(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".npy") return npy_open(path);
  if (extension != ".pt" && extension != ".pth")
    throw SceneError("file: '" + path + "' is neither .npy nor .pt; save the mask with "
                     "numpy.save or torch.save");
  if (!pt_reader()) throw SceneError("file: reading .pt files needs the LibTorch module; use .npy");
  auto tensor = std::make_shared<MaskTensor>(pt_reader()(path));
  MaskFile file;
  file.path = path;
  file.shape = tensor->shape;
  file.dtype = tensor->dtype;
  file.dtype_name = tensor->dtype_name;
  file.tensor = std::move(tensor);
  return file;
}

namespace {

// Streams the raw bytes of the data, whole rows at a time, about 4 MiB per read.
void npy_raw_rows(const MaskFile& file, const std::function<void(const char* row, long length)>& visit) {
  const long length = file.shape.back();
  const int64_t rows = file.element_count() / length;
  std::ifstream in(file.path, std::ios::binary);
  in.seekg(file.data_offset);
  const int64_t row_bytes = length * static_cast<int64_t>(file.item_size);
  const int64_t rows_per_chunk = std::max<int64_t>(1, (int64_t{4} << 20) / row_bytes);
  std::vector<char> chunk(static_cast<size_t>(rows_per_chunk * row_bytes));
  for (int64_t r = 0; r < rows; r += rows_per_chunk) {
    const int64_t count = std::min(rows_per_chunk, rows - r);
    if (!in.read(chunk.data(), static_cast<std::streamsize>(count * row_bytes)))
      throw SceneError("file: " + file.path + " ended while reading it; was it being written?");
    for (int64_t i = 0; i < count; ++i) visit(chunk.data() + i * row_bytes, length);
  }
}

}  // namespace

void mask_file_rows(const MaskFile& file,
                    const std::function<void(const float* row, long length)>& visit) {
  const long length = file.shape.empty() ? 1 : file.shape.back();
  if (length == 0) return;
  if (file.tensor) {
    const int64_t rows = file.element_count() / length;
    for (int64_t r = 0; r < rows; ++r) visit(file.tensor->values.data() + r * length, length);
    return;
  }
  const NpyType& type = npy_type(file.descr);
  std::vector<float> row(static_cast<size_t>(length));
  npy_raw_rows(file, [&](const char* bytes, long n) {
    for (long k = 0; k < n; ++k) row[k] = type.read(bytes + k * type.size);
    visit(row.data(), n);
  });
}

void mask_file_byte_rows(const MaskFile& file,
                         const std::function<void(const uint8_t* row, long length)>& visit) {
  if (file.shape.back() == 0) return;
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
