#include "core/torch/pt_load.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <iterator>

#include "core/atomic_file.hpp"
#include "core/input_error.hpp"

namespace attnscope {

namespace {

std::string dtype_name(at::ScalarType type) {
  switch (type) {
    case at::kBool: return "bool";
    case at::kByte: return "uint8";
    case at::kChar: return "int8";
    case at::kShort: return "int16";
    case at::kInt: return "int32";
    case at::kLong: return "int64";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    default: return c10::toString(type);
  }
}

MaskTensor from_tensor(const at::Tensor& tensor, const std::string& path) {
  if (tensor.is_complex())
    throw InputError("file: " + path + " holds a complex tensor; save the mask as bool, int or float");
  MaskTensor out;
  out.source = path;
  for (int64_t size : tensor.sizes()) out.shape.push_back(static_cast<long>(size));
  out.dtype = tensor.scalar_type() == at::kBool         ? MaskTensor::DType::Bool
              : at::isFloatingType(tensor.scalar_type()) ? MaskTensor::DType::Float
                                                         : MaskTensor::DType::Int;
  out.dtype_name = dtype_name(tensor.scalar_type());
  const at::Tensor values = tensor.to(at::kFloat).contiguous();
  out.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
  return out;
}

// Dict entries: tensors, ints, and tuples or lists of ints (FlexAttention's BLOCK_SIZE).
MaskTensor from_entry(const c10::IValue& value, const std::string& path, const std::string& key) {
  if (value.isTensor()) return from_tensor(value.toTensor(), path);
  MaskTensor out;
  out.source = path;
  out.dtype = MaskTensor::DType::Int;
  out.dtype_name = "int64";
  if (value.isInt()) {
    out.values.push_back(static_cast<float>(value.toInt()));
    return out;
  }
  if (value.isTuple() || value.isIntList()) {
    const std::vector<c10::IValue> items =
        value.isTuple() ? value.toTupleRef().elements().vec()
                        : std::vector<c10::IValue>(value.toListRef().begin(), value.toListRef().end());
    for (const c10::IValue& item : items) {
      if (!item.isInt())
        throw InputError("file: " + path + ": entry '" + key + "' holds a " + item.tagKind() +
                         "; dict entries must be tensors, ints or tuples of ints");
      out.values.push_back(static_cast<float>(item.toInt()));
    }
    out.shape.push_back(static_cast<long>(out.values.size()));
    return out;
  }
  throw InputError("file: " + path + ": entry '" + key + "' holds a " + value.tagKind() +
                   "; dict entries must be tensors, ints or tuples of ints");
}

}  // namespace

MaskTensor pt_load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("file: cannot open '" + path + "'; check the path");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  c10::IValue value;
  try {
    value = torch::jit::pickle_load(bytes);
  } catch (const c10::Error& e) {
    throw InputError("file: " + path + " is not a tensor saved by torch.save (" +
                     e.what_without_backtrace() + ")");
  } catch (const std::exception& e) {
    throw InputError("file: " + path + " is not a tensor saved by torch.save (" + e.what() + ")");
  }
  if (value.isTensor()) return from_tensor(value.toTensor(), path);
  if (value.isGenericDict()) {
    MaskTensor out;
    out.source = path;
    for (const auto& item : value.toGenericDict()) {
      if (!item.key().isString())
        throw InputError("file: " + path + " holds a dict with non-string keys; save a dict of "
                         "named tensors");
      const std::string key = item.key().toStringRef();
      out.entry_names.push_back(key);
      out.entries.push_back(from_entry(item.value(), path, key));
    }
    if (out.entry_names.empty()) throw InputError("file: " + path + " holds an empty dict");
    return out;
  }
  throw InputError("file: " + path + " holds a " + value.tagKind() +
                   ", not a tensor; save the mask itself with torch.save(mask, path), or "
                   "FlexAttention's block mask as a dict of its tensors");
}

void pt_save(const MaskTensor& tensor, const std::string& path) {
  std::vector<int64_t> sizes(tensor.shape.begin(), tensor.shape.end());
  at::Tensor t = at::from_blob(const_cast<float*>(tensor.values.data()), sizes, at::kFloat).clone();
  if (tensor.dtype == MaskTensor::DType::Bool) t = t.to(at::kBool);
  if (tensor.dtype == MaskTensor::DType::Int) t = t.to(at::kLong);
  const std::vector<char> bytes = torch::jit::pickle_save(t);
  atomic_write_file(path, std::string_view(bytes.data(), bytes.size()));
}

}  // namespace attnscope
