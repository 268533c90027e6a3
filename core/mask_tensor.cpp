#include "core/mask_tensor.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>

#include "core/input_error.hpp"

namespace attnscope {

namespace {

// Larger tensors would take gigabytes as floats; lint checks masks, not activations.
constexpr long kMaxElements = long{1} << 28;

template <typename T>
void convert(const char* data, size_t count, std::vector<float>& out) {
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    T value;
    std::memcpy(&value, data + i * sizeof(T), sizeof(T));
    out[i] = static_cast<float>(value);
  }
}

}  // namespace

MaskKind mask_kind_parse(const std::string& text) {
  if (text == "auto") return MaskKind::Auto;
  if (text == "bool") return MaskKind::Boolean;
  if (text == "additive") return MaskKind::Additive;
  if (text == "weights") return MaskKind::Weights;
  throw InputError("kind: unknown kind '" + text + "'; use auto, bool, additive or weights");
}

const char* mask_kind_name(MaskKind kind) {
  switch (kind) {
    case MaskKind::Auto: return "auto";
    case MaskKind::Boolean: return "bool";
    case MaskKind::Additive: return "additive";
    case MaskKind::Weights: return "weights";
  }
  return "auto";
}

MaskTensor npy_load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("file: cannot open '" + path + "'; check the path");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto bad = [&](const std::string& why) {
    return InputError("file: " + path + " is not a NumPy .npy array we can read (" + why + ")");
  };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw bad("no .npy magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw bad("truncated header");
    for (int i = 0; i < 4; ++i) header_len |= size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    offset = 12;
  } else {
    throw bad(fmt::format("format version {}", major));
  }
  if (offset + header_len > bytes.size()) throw bad("truncated header");
  const std::string header = bytes.substr(offset, header_len);
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']+)'"))) throw bad("no descr");
  const std::string descr = m[1];
  const bool fortran = std::regex_search(header, std::regex("'fortran_order':\\s*True"));
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) throw bad("no shape");
  MaskTensor t;
  t.source = path;
  long count = 1;
  const std::string dims = m[1];
  const std::regex number("\\d+");
  for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it) {
    t.shape.push_back(std::stol(it->str()));
    count *= t.shape.back();
    if (count > kMaxElements) throw bad("more than 2^28 elements");
  }
  const char* data = bytes.data() + offset + header_len;
  const size_t available = bytes.size() - offset - header_len;
  struct Type {
    const char* descr;
    size_t size;
    MaskTensor::DType dtype;
    void (*convert)(const char*, size_t, std::vector<float>&);
  };
  static const Type kTypes[] = {
      {"|b1", 1, MaskTensor::DType::Bool, convert<bool>},
      {"|u1", 1, MaskTensor::DType::Int, convert<uint8_t>},
      {"|i1", 1, MaskTensor::DType::Int, convert<int8_t>},
      {"<i2", 2, MaskTensor::DType::Int, convert<int16_t>},
      {"<i4", 4, MaskTensor::DType::Int, convert<int32_t>},
      {"<i8", 8, MaskTensor::DType::Int, convert<int64_t>},
      {"<f4", 4, MaskTensor::DType::Float, convert<float>},
      {"<f8", 8, MaskTensor::DType::Float, convert<double>},
  };
  const Type* type = nullptr;
  for (const Type& candidate : kTypes)
    if (descr == candidate.descr) type = &candidate;
  if (!type) throw bad("dtype " + descr + "; save the mask as bool, int or float32/64");
  if (available < count * type->size) throw bad("the data is shorter than its shape says");
  t.dtype = type->dtype;
  type->convert(data, static_cast<size_t>(count), t.values);
  if (fortran && t.shape.size() > 1) {
    // Column-major on disk: reverse the axes' strides to row-major.
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
  return t;
}

TensorCells mask_tensor_cells(const MaskTensor& tensor, MaskKind kind) {
  const auto& shape = tensor.shape;
  if (shape.size() < 2 || shape.size() > 4 || shape[shape.size() - 1] != shape[shape.size() - 2])
    throw InputError(fmt::format("file: {} has shape ({}); lint expects (N, N), (H, N, N) or "
                                 "(B, H, N, N) with queries as rows and keys as columns",
                                 tensor.source, fmt::join(shape, ", ")));
  const long n = shape.back();
  if (n == 0) throw InputError("file: " + tensor.source + " is empty");
  for (size_t i = 0; i < tensor.values.size(); ++i)
    if (std::isnan(tensor.values[i]))
      throw InputError(fmt::format("file: {} holds NaN at flat index {} (query {}, key {}); a "
                                   "mask must be finite or -inf",
                                   tensor.source, i, (i / n) % n, i % n));
  TensorCells cells;
  cells.n = static_cast<int>(n);
  cells.kind = kind;
  if (kind == MaskKind::Auto) {
    const bool any_neg_inf = std::any_of(tensor.values.begin(), tensor.values.end(),
                                         [](float v) { return std::isinf(v) && v < 0; });
    cells.kind = tensor.dtype != MaskTensor::DType::Float ? MaskKind::Boolean
                 : any_neg_inf                             ? MaskKind::Additive
                                                           : MaskKind::Weights;
  }
  const auto allowed = [&](float v) {
    switch (cells.kind) {
      case MaskKind::Additive: return !(std::isinf(v) && v < 0);
      case MaskKind::Weights: return v > 0;
      default: return v != 0;
    }
  };
  const size_t slices = tensor.values.size() / (n * n);
  for (size_t s = 0; s < slices; ++s) {
    RowRuns runs(cells.n, cells.n);
    for (long q = 0; q < n; ++q) {
      std::vector<Run> row;
      const float* values = tensor.values.data() + (s * n + q) * n;
      for (long k = 0; k < n; ++k)
        if (allowed(values[k])) {
          if (!row.empty() && row.back().end == k) ++row.back().end;
          else row.push_back({static_cast<int32_t>(k), static_cast<int32_t>(k + 1)});
        }
      runs.append_row(std::move(row));
    }
    cells.allowed.push_back(std::move(runs));
  }
  return cells;
}

}  // namespace attnscope
