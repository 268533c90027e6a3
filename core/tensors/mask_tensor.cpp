#include "core/tensors/mask_tensor.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// Everything but the values, entries nested; the values follow the header in the same order.
nlohmann::json header(const MaskTensor& tensor) {
  nlohmann::json entries = nlohmann::json::array();
  for (size_t i = 0; i < tensor.entries.size(); ++i)
    entries.push_back({{"name", tensor.entry_names[i]}, {"tensor", header(tensor.entries[i])}});
  return {{"dtype", static_cast<int>(tensor.dtype)}, {"dtype_name", tensor.dtype_name},
          {"shape", tensor.shape}, {"values", tensor.values.size()}, {"source", tensor.source},
          {"entries", entries}};
}

void append_values(const MaskTensor& tensor, std::string& out) {
  if (!tensor.values.empty())
    out.append(reinterpret_cast<const char*>(tensor.values.data()), tensor.values.size() * sizeof(float));
  for (const MaskTensor& entry : tensor.entries) append_values(entry, out);
}

MaskTensor parse(const nlohmann::json& j, const std::string& bytes, size_t& offset) {
  MaskTensor tensor;
  const int dtype = j.at("dtype").get<int>();
  if (dtype < 0 || dtype > static_cast<int>(MaskTensor::DType::Float)) throw InputError("mask tensor: unknown dtype");
  tensor.dtype = static_cast<MaskTensor::DType>(dtype);
  j.at("dtype_name").get_to(tensor.dtype_name);
  j.at("shape").get_to(tensor.shape);
  j.at("source").get_to(tensor.source);
  const size_t count = j.at("values").get<size_t>();
  if (count > (bytes.size() - offset) / sizeof(float)) throw InputError("mask tensor: values are missing");
  tensor.values.resize(count);
  // An empty entry has no storage to copy into: memcpy with a null pointer is undefined.
  if (count > 0) std::memcpy(tensor.values.data(), bytes.data() + offset, count * sizeof(float));
  offset += count * sizeof(float);
  for (const auto& entry : j.at("entries")) {
    tensor.entry_names.push_back(entry.at("name").get<std::string>());
    tensor.entries.push_back(parse(entry.at("tensor"), bytes, offset));
  }
  return tensor;
}

}  // namespace

const MaskTensor* MaskTensor::entry(const std::string& name) const {
  for (size_t i = 0; i < entry_names.size(); ++i)
    if (entry_names[i] == name) return &entries[i];
  return nullptr;
}

std::string mask_tensor_serialize(const MaskTensor& tensor) {
  std::string out = header(tensor).dump() + '\n';
  append_values(tensor, out);
  return out;
}

MaskTensor mask_tensor_parse(const std::string& bytes) {
  const size_t end = bytes.find('\n');
  if (end == std::string::npos) throw InputError("mask tensor: no header");
  try {
    size_t offset = end + 1;
    MaskTensor tensor = parse(nlohmann::json::parse(bytes.substr(0, end)), bytes, offset);
    if (offset != bytes.size()) throw InputError("mask tensor: bytes after the values");
    return tensor;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("mask tensor: ") + e.what());
  }
}

}  // namespace attnscope
