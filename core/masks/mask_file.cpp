#include "core/masks/mask_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/base/input_error.hpp"

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

// numpy stores bools as bytes that should be 0 or 1; any other byte is read as true rather than
// loaded into a bool, which would be undefined behaviour.
float read_bool(const char* p) { return *p != 0 ? 1.f : 0.f; }

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
    {"|b1", 1, MaskTensor::DType::Bool, "bool", read_bool},
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

// Shapes beyond this are refused before any arithmetic on them: 2^40 one-byte cells is a
// terabyte, far past any mask, and products up to it cannot overflow int64 even times 8 bytes.
constexpr int64_t kMaxElements = int64_t{1} << 40;

// The text after `'key':` in the header dict, spaces skipped; npos when the key is missing.
// Plain scanning rather than std::regex: libstdc++'s regex recurses once per matched character,
// so a long crafted header would overflow the stack.
size_t header_value(const std::string& header, const std::string& key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) return at;
  at += key.size() + 2;
  while (at < header.size() && (header[at] == ' ' || header[at] == ':')) ++at;
  return at;
}

// Reads `length` bytes at `offset` of the file or buffer being parsed (fewer at its end).
using ByteSource = std::function<std::string(int64_t offset, size_t length)>;

// Parses the magic, version and header dict of a .npy file of `size` bytes and checks that the
// data its shape describes is all there. Shared by files on disk and bytes in memory.
MaskFile npy_layout(const ByteSource& read, int64_t size, const std::string& source, bool& fortran) {
  const auto bad = [&](const std::string& why) {
    return InputError("file: " + source + " is not a NumPy .npy array we can read (" + why + ")");
  };
  const std::string start = read(0, 12);
  if (start.size() < 10 || start.compare(0, 6, "\x93NUMPY") != 0) throw bad("no .npy magic");
  const int major = static_cast<unsigned char>(start[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(start[8]) | static_cast<unsigned char>(start[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (start.size() < 12) throw bad("truncated header");
    for (int i = 0; i < 4; ++i) header_len |= size_t(static_cast<unsigned char>(start[8 + i])) << (8 * i);
    offset = 12;
  } else {
    throw bad(fmt::format("format version {}", major));
  }
  if (static_cast<int64_t>(offset + header_len) > size) throw bad("truncated header");
  const std::string header = read(static_cast<int64_t>(offset), header_len);
  const size_t descr_at = header_value(header, "descr");
  const size_t descr_end = descr_at == std::string::npos ? descr_at : header.find('\'', descr_at + 1);
  if (descr_end == std::string::npos || header[descr_at] != '\'') throw bad("no descr");
  MaskFile file;
  file.path = source;
  file.descr = header.substr(descr_at + 1, descr_end - descr_at - 1);
  const size_t fortran_at = header_value(header, "fortran_order");
  fortran = fortran_at != std::string::npos && header.compare(fortran_at, 4, "True") == 0;
  const size_t shape_at = header_value(header, "shape");
  const size_t shape_end = shape_at == std::string::npos ? shape_at : header.find(')', shape_at);
  if (shape_end == std::string::npos || header[shape_at] != '(') throw bad("no shape");
  int64_t count = 1;
  for (size_t i = shape_at + 1; i < shape_end; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(header[i]))) continue;
    int64_t dim = 0;
    for (; i < shape_end && std::isdigit(static_cast<unsigned char>(header[i])); ++i) {
      dim = dim * 10 + (header[i] - '0');
      // Checked per digit and per dimension, so neither the number nor the product overflows.
      if (dim > kMaxElements) throw bad("more than 2^40 elements");
    }
    file.shape.push_back(static_cast<long>(dim));
    // Divided, not multiplied: 2^40 times 2^40 would overflow.
    if (dim != 0 && count > kMaxElements / dim) throw bad("more than 2^40 elements");
    count *= dim;
  }
  bool known = false;
  for (const NpyType& type : kNpyTypes) known = known || file.descr == type.descr;
  if (!known)
    throw bad("dtype " + file.descr + "; save the mask as bool, int, float16, float32 or float64");
  const NpyType& type = npy_type(file.descr);
  file.dtype = type.dtype;
  file.dtype_name = type.name;
  file.item_size = type.size;
  file.data_offset = static_cast<int64_t>(offset + header_len);
  const int64_t needed = count * static_cast<int64_t>(type.size);
  if (file.data_offset + needed > size)
    throw bad(fmt::format("the data is {} bytes, shorter than the {} its shape ({}) says; the file "
                          "is truncated: save it again",
                          size - file.data_offset, needed, fmt::join(file.shape, ", ")));
  return file;
}

// Column-major on disk: reverse the axes' strides to row-major.
void npy_fortran_to_row_major(MaskTensor& t) {
  if (t.shape.size() < 2) return;
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
  bool fortran = false;
  MaskFile file = npy_layout(read, static_cast<int64_t>(std::filesystem::file_size(path)), path, fortran);
  if (fortran && file.shape.size() > 1) {
    // Read it whole to reorder it; the rows then come from memory.
    MaskTensor t = mask_file_tensor(file);
    npy_fortran_to_row_major(t);
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
    throw InputError("file: '" + path + "' is neither .npy nor .pt; save the mask with "
                     "numpy.save or torch.save");
  if (!pt_reader()) throw InputError("file: reading .pt files needs the LibTorch module; use .npy");
  auto tensor = std::make_shared<MaskTensor>(pt_reader()(path));
  MaskFile file;
  file.path = path;
  file.shape = tensor->shape;
  file.dtype = tensor->dtype;
  file.dtype_name = tensor->dtype_name;
  file.tensor = std::move(tensor);
  return file;
}

MaskFile mask_file_parse(const std::string& bytes, const std::string& source) {
  const auto read = [&](int64_t offset, size_t length) {
    return bytes.substr(std::min(static_cast<size_t>(offset), bytes.size()), length);
  };
  bool fortran = false;
  MaskFile file = npy_layout(read, static_cast<int64_t>(bytes.size()), source, fortran);
  auto t = std::make_shared<MaskTensor>();
  t->source = source;
  t->shape = file.shape;
  t->dtype = file.dtype;
  t->dtype_name = file.dtype_name;
  const NpyType& type = npy_type(file.descr);
  t->values.resize(static_cast<size_t>(file.element_count()));
  const char* data = bytes.data() + file.data_offset;
  for (size_t i = 0; i < t->values.size(); ++i) t->values[i] = type.read(data + i * type.size);
  if (fortran) npy_fortran_to_row_major(*t);
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
  const int64_t row_bytes = length * static_cast<int64_t>(file.item_size);
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
  const NpyType& type = npy_type(file.descr);
  std::vector<float> row(static_cast<size_t>(length));
  npy_raw_rows(file, [&](const char* bytes, long n) {
    for (long k = 0; k < n; ++k) row[k] = type.read(bytes + k * type.size);
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
