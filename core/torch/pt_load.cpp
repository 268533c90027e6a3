#include "core/torch/pt_load.hpp"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <new>

#include "core/base/atomic_file.hpp"
#include "core/base/input_error.hpp"
#include "core/base/printable.hpp"

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

// A .pt mask is held in memory as floats (1 GiB at this bound, twice that on its way out of the
// reading process); past it the mask should be a .npy, which lint streams from disk.
constexpr int64_t kMaxElements = int64_t{1} << 28;

// LibTorch rebuilds a saved tensor from the sizes, strides and offset the file states without
// checking them against the storage it read, so a damaged file can describe a tensor that reaches
// past its storage. Checked here before any ATen op reads the values. Returns the element count.
int64_t checked_extent(const at::Tensor& tensor, const std::string& path) {
  const auto bad = [&](const std::string& why) {
    return InputError("file: " + path + " is not a tensor saved by torch.save (" + why + ")");
  };
  if (tensor.layout() != at::kStrided || !tensor.device().is_cpu())
    throw bad("a sparse or non-CPU tensor; save the mask as a dense CPU tensor");
  const at::IntArrayRef sizes = tensor.sizes(), strides = tensor.strides();
  int64_t count = 1;
  for (int64_t size : sizes) {
    if (size < 0) throw bad("a negative size");
    // Divided, not multiplied, so the product cannot overflow.
    if (size != 0 && count > kMaxElements / size)
      throw InputError("file: " + path + " holds a tensor of more than 2^28 elements; save "
                       "masks that large with numpy.save, which lint streams from disk");
    count *= size;
  }
  if (count == 0) return 0;
  const int64_t item = static_cast<int64_t>(tensor.element_size());
  const int64_t storage = static_cast<int64_t>(tensor.storage().nbytes()) / item;
  int64_t last = tensor.storage_offset();  // the element furthest into the storage
  if (last < 0 || last >= storage) throw bad("its data offset lies outside its storage");
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 2) continue;
    if (strides[i] < 0) throw bad("a negative stride");
    // Divided, not multiplied: `last` stays below the storage size, so the sum cannot overflow.
    if (strides[i] > 0 && sizes[i] - 1 > (storage - 1 - last) / strides[i])
      throw bad("its sizes and strides reach past its storage");
    last += (sizes[i] - 1) * strides[i];
  }
  return count;
}

MaskTensor from_tensor(const at::Tensor& tensor, const std::string& path) {
  const at::ScalarType type = tensor.scalar_type();
  if (tensor.is_complex())
    throw InputError("file: " + path + " holds a complex tensor; save the mask as bool, int or float");
  if (type != at::kBool && !at::isIntegralType(type, false) && !at::isFloatingType(type))
    throw InputError("file: " + path + " holds a " + dtype_name(type) + " tensor; save the mask as bool, int or float");
  const int64_t count = checked_extent(tensor, path);
  MaskTensor out;
  out.source = path;
  for (int64_t size : tensor.sizes()) out.shape.push_back(static_cast<long>(size));
  out.dtype = type == at::kBool ? MaskTensor::DType::Bool
              : at::isFloatingType(type) ? MaskTensor::DType::Float
                                         : MaskTensor::DType::Int;
  out.dtype_name = dtype_name(type);
  // Converted straight into the values, so the file's tensor is never held twice as floats.
  out.values.resize(static_cast<size_t>(count));
  if (count > 0) at::from_blob(out.values.data(), tensor.sizes(), at::kFloat).copy_(tensor);
  return out;
}

// Dict entries: tensors, ints, and tuples or lists of ints (FlexAttention's BLOCK_SIZE).
MaskTensor from_entry(const c10::IValue& value, const std::string& path, const std::string& key) {
  if (value.isTensor()) return from_tensor(value.toTensor(), path);
  // The key comes from the file, so it is made printable before it reaches a terminal.
  const auto wrong = [&](const c10::IValue& held) {
    return InputError("file: " + path + ": entry '" + printable_line(key) + "' holds a " +
                      held.tagKind() + "; dict entries must be tensors, ints or tuples of ints");
  };
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
      if (!item.isInt()) throw wrong(item);
      out.values.push_back(static_cast<float>(item.toInt()));
    }
    out.shape.push_back(static_cast<long>(out.values.size()));
    return out;
  }
  throw wrong(value);
}

// The file's top-level value: a tensor, or a dict of named entries.
MaskTensor from_value(const c10::IValue& value, const std::string& path) {
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

}  // namespace

MaskTensor pt_load(const std::string& path) {
  if (!std::ifstream(path, std::ios::binary)) throw InputError("file: cannot open '" + path + "'; check the path");
  const auto damaged = [&](const std::string& what) {
    return InputError("file: " + path + " is not a tensor saved by torch.save (" +
                      printable_line(what.substr(0, what.find('\n'))) + ")");
  };
  try {
    // The file reader, not pickle_load on the bytes in memory: LibTorch's in-memory reader copies
    // whatever range the zip's offsets name, past the end of the buffer, while its file reader
    // stops at the end of the file.
    caffe2::serialize::PyTorchStreamReader reader(path);
    return from_value(torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt,
                                                        c10::nullopt, reader),
                      path);
  } catch (const InputError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw;  // the caller's memory budget to report (app/cli/isolated_run.hpp)
  } catch (const c10::Error& e) {
    // LibTorch reports a failed allocation as c10::Error, not as a damaged file.
    if (std::string(e.what()).find("can't allocate memory") != std::string::npos) throw std::bad_alloc();
    throw damaged(e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw damaged(e.what());
  }
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
