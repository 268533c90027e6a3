#include "core/torch/pt_load.hpp"

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>
#include <iterator>

#include "core/atomic_file.hpp"
#include "core/input_error.hpp"

namespace attnscope {

MaskTensor pt_load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("file: cannot open '" + path + "'; check the path");
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  at::Tensor tensor;
  try {
    const c10::IValue value = torch::jit::pickle_load(bytes);
    if (!value.isTensor())
      throw InputError("file: " + path + " holds a " + value.tagKind() +
                       ", not a tensor; save the mask itself with torch.save(mask, path)");
    tensor = value.toTensor();
  } catch (const c10::Error& e) {
    throw InputError("file: " + path + " is not a tensor saved by torch.save (" +
                     e.what_without_backtrace() + ")");
  }
  MaskTensor out;
  out.source = path;
  for (int64_t size : tensor.sizes()) out.shape.push_back(static_cast<long>(size));
  out.dtype = tensor.scalar_type() == at::kBool         ? MaskTensor::DType::Bool
              : at::isFloatingType(tensor.scalar_type()) ? MaskTensor::DType::Float
                                                         : MaskTensor::DType::Int;
  const at::Tensor values = tensor.to(at::kFloat).contiguous();
  out.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
  return out;
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
