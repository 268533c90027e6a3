#include "core/tensors/npy_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

struct NpyDescr {
  std::string_view descr;
  TensorDType dtype;
};

constexpr NpyDescr kDescrs[] = {
    {"|b1", TensorDType::Bool},    {"|u1", TensorDType::UInt8},   {"|i1", TensorDType::Int8},
    {"<i2", TensorDType::Int16},   {"<i4", TensorDType::Int32},   {"<i8", TensorDType::Int64},
    {"<f2", TensorDType::Float16}, {"<f4", TensorDType::Float32}, {"<f8", TensorDType::Float64},
};

// numpy.save writes a few hundred bytes; a longer header is damage, not a bigger array, and is
// refused before it is read into memory.
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;

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

}  // namespace

NpyHeader npy_header_parse(const NpyByteSource& read, int64_t size, const std::string& source, std::string_view holds) {
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
  if (header_len > kMaxHeaderBytes) throw bad(fmt::format("a header of {} bytes", header_len));
  const std::string header = read(static_cast<int64_t>(offset), header_len);
  const size_t descr_at = header_value(header, "descr");
  const size_t descr_end = descr_at == std::string::npos ? descr_at : header.find('\'', descr_at + 1);
  if (descr_end == std::string::npos || header[descr_at] != '\'') throw bad("no descr");
  NpyHeader npy;
  npy.descr = header.substr(descr_at + 1, descr_end - descr_at - 1);
  const size_t fortran_at = header_value(header, "fortran_order");
  npy.fortran = fortran_at != std::string::npos && header.compare(fortran_at, 4, "True") == 0;
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
      if (dim > kTensorMaxElements) throw bad("more than 2^40 elements");
    }
    npy.shape.push_back(static_cast<long>(dim));
    // Divided, not multiplied: 2^40 times 2^40 would overflow.
    if (dim != 0 && count > kTensorMaxElements / dim) throw bad("more than 2^40 elements");
    count *= dim;
  }
  const auto known =
      std::find_if(std::begin(kDescrs), std::end(kDescrs), [&](const NpyDescr& d) { return d.descr == npy.descr; });
  if (known == std::end(kDescrs)) {
    if (!npy.descr.empty() && npy.descr[0] == '>')
      throw bad(fmt::format("dtype {} is big-endian; save {} little-endian, e.g. array.astype('<{}')", npy.descr, holds,
                            npy.descr.substr(1)));
    throw bad(fmt::format("dtype {}; save {} as bool, int, float16, float32 or float64", npy.descr, holds));
  }
  npy.dtype = known->dtype;
  npy.element_count = count;
  npy.data_offset = static_cast<int64_t>(offset + header_len);
  if (npy.data_offset + npy.data_bytes() > size)
    throw bad(
        fmt::format("the data is {} bytes, shorter than the {} its shape ({}) says; the file "
                    "is truncated: save it again",
                    size - npy.data_offset, npy.data_bytes(), fmt::join(npy.shape, ", ")));
  return npy;
}

NpyHeader npy_header_parse(std::string_view bytes, const std::string& source, std::string_view holds) {
  const auto read = [&](int64_t offset, size_t length) {
    return std::string(bytes.substr(std::min(static_cast<size_t>(offset), bytes.size()), length));
  };
  return npy_header_parse(read, static_cast<int64_t>(bytes.size()), source, holds);
}

void npy_fortran_to_row_major(const std::vector<long>& shape, std::vector<float>& values) {
  if (shape.size() < 2) return;
  std::vector<float> row_major(values.size());
  std::vector<long> index(shape.size(), 0);
  for (size_t flat = 0; flat < row_major.size(); ++flat) {
    size_t f = 0, stride = 1;
    for (size_t a = 0; a < shape.size(); ++a) {
      f += index[a] * stride;
      stride *= shape[a];
    }
    row_major[flat] = values[f];
    for (int a = static_cast<int>(shape.size()) - 1; a >= 0; --a) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  values = std::move(row_major);
}

std::string npy_header_text(const std::string& descr, const std::vector<long>& shape, bool fortran) {
  std::string dims;
  for (long d : shape) dims += std::to_string(d) + ", ";
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': (" + dims + "), }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  return std::string("\x93NUMPY") + char(1) + char(0) + char(dict.size() & 0xff) + char(dict.size() >> 8) + dict;
}

}  // namespace attnscope
