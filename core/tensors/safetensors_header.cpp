#include "core/tensors/safetensors_header.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"
#include "core/tensors/npy_format.hpp"

namespace attnscope {

namespace {

// The reference implementation refuses headers over 100 MB; so do we, before reading one.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

struct StDType {
  std::string_view name;
  TensorDType dtype;
};

constexpr StDType kDTypes[] = {
    {"F32", TensorDType::Float32}, {"F16", TensorDType::Float16}, {"BF16", TensorDType::BFloat16},
    {"F64", TensorDType::Float64}, {"I64", TensorDType::Int64},   {"I32", TensorDType::Int32},
    {"I16", TensorDType::Int16},   {"I8", TensorDType::Int8},     {"U8", TensorDType::UInt8},
    {"BOOL", TensorDType::Bool},
};

std::string_view st_name(TensorDType dtype) {
  for (const StDType& type : kDTypes)
    if (type.dtype == dtype) return type.name;
  return "?";
}

class HeaderReader {
 public:
  explicit HeaderReader(const std::string& source) : source_(source) {}

  InputError bad(const std::string& why) const {
    return InputError("file: " + source_ + " is not a .safetensors file we can read (" + why + ")");
  }

  InputError bad_tensor(const SafetensorsTensor& t, const std::string& why) const {
    return InputError(fmt::format("file: {}: tensor '{}' ({}, shape ({})) {}", source_, printable_line(t.name),
                                  st_name(t.dtype), fmt::join(t.shape, ", "), why));
  }

  SafetensorsTensor tensor(const std::string& name, const nlohmann::ordered_json& j) const {
    SafetensorsTensor t;
    t.name = name;
    const std::string quoted = "tensor '" + printable_line(name) + "'";
    if (!j.is_object()) throw bad(quoted + " is not an object with dtype, shape and data_offsets");
    const auto dtype = j.find("dtype");
    if (dtype == j.end() || !dtype->is_string()) throw bad(quoted + " has no dtype");
    const std::string dtype_name = dtype->get<std::string>();
    const auto known =
        std::find_if(std::begin(kDTypes), std::end(kDTypes), [&](const StDType& d) { return d.name == dtype_name; });
    if (known == std::end(kDTypes))
      throw InputError("file: " + source_ + ": " + quoted + " has dtype " + printable_line(dtype_name) +
                       ", which attnscope does not read; save it as F32, F16, BF16 or F64");
    t.dtype = known->dtype;
    const auto shape = j.find("shape");
    if (shape == j.end() || !shape->is_array()) throw bad(quoted + " has no shape");
    int64_t count = 1;
    for (const auto& dim : *shape) {
      if (!dim.is_number_unsigned() || dim.get<uint64_t>() > static_cast<uint64_t>(kTensorMaxElements))
        throw bad(quoted + " has a shape of other than sizes from 0 to 2^40");
      const int64_t size = dim.get<int64_t>();
      t.shape.push_back(static_cast<long>(size));
      // Divided, not multiplied, so the product cannot overflow.
      if (size != 0 && count > kTensorMaxElements / size) throw bad(quoted + " has more than 2^40 elements");
      count *= size;
    }
    const auto offsets = j.find("data_offsets");
    if (offsets == j.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
        !(*offsets)[1].is_number_unsigned())
      throw bad_tensor(t, "has no data_offsets [begin, end]");
    t.begin = (*offsets)[0].get<uint64_t>();
    t.end = (*offsets)[1].get<uint64_t>();
    const uint64_t bytes = static_cast<uint64_t>(count) * tensor_dtype_size(t.dtype);
    if (t.end < t.begin || t.end - t.begin != bytes)
      throw bad_tensor(t, fmt::format("has data_offsets [{}, {}], but its shape needs {} bytes; the header is "
                                      "damaged: save the file again",
                                      t.begin, t.end, bytes));
    return t;
  }

 private:
  const std::string& source_;
};

}  // namespace

SafetensorsHeader safetensors_header_parse(std::string_view file, const std::string& source) {
  const HeaderReader reader(source);
  if (file.size() < 8) throw reader.bad("shorter than its 8-byte header length");
  uint64_t length = 0;
  for (int i = 0; i < 8; ++i) length |= uint64_t{static_cast<unsigned char>(file[i])} << (8 * i);
  if (length > file.size() - 8)
    throw reader.bad(
        fmt::format("its header says {} bytes, but only {} follow; the file is truncated", length, file.size() - 8));
  if (length > kMaxHeaderBytes) throw reader.bad(fmt::format("a header of {} bytes, over the 100 MB limit", length));
  SafetensorsHeader header;
  header.data_offset = 8 + length;
  nlohmann::ordered_json json;
  try {
    json = nlohmann::ordered_json::parse(file.substr(8, length));
  } catch (const nlohmann::json::parse_error& e) {
    throw reader.bad(fmt::format("its header is not JSON: an error at byte {} of {}", e.byte, length));
  } catch (const nlohmann::json::out_of_range&) {
    // Found by fuzz_tensor_file: a number too large for a double is not a parse error to
    // nlohmann::json but a range error.
    throw reader.bad("its header is not JSON we can read: a number out of range");
  }
  if (!json.is_object()) throw reader.bad("its header is not a JSON object");
  for (const auto& [name, value] : json.items()) {
    if (name == "__metadata__") continue;
    header.tensors.push_back(reader.tensor(name, value));
  }
  const uint64_t data_size = file.size() - header.data_offset;
  for (const SafetensorsTensor& t : header.tensors)
    if (t.end > data_size)
      throw reader.bad_tensor(t, fmt::format("has data_offsets [{}, {}], past the end of the data ({} bytes); "
                                             "the file is truncated or its header is wrong",
                                             t.begin, t.end, data_size));
  std::vector<const SafetensorsTensor*> by_offset;
  for (const SafetensorsTensor& t : header.tensors)
    if (t.end > t.begin) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const SafetensorsTensor* a, const SafetensorsTensor* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const SafetensorsTensor &a = *by_offset[i - 1], &b = *by_offset[i];
    if (b.begin < a.end)
      throw reader.bad_tensor(b, fmt::format("has data_offsets [{}, {}], overlapping tensor '{}' at [{}, {}]; the "
                                             "header is damaged: save the file again",
                                             b.begin, b.end, printable_line(a.name), a.begin, a.end));
  }
  return header;
}

}  // namespace attnscope
