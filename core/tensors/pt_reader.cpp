#include "core/tensors/pt_reader.hpp"

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

PtReader& registered() {
  static PtReader reader = nullptr;
  return reader;
}

}  // namespace

void pt_reader_set(PtReader reader) { registered() = reader; }

MaskTensor pt_read(const std::string& path, std::string_view instead) {
  if (!registered()) throw InputError("file: reading .pt files needs the LibTorch module; " + std::string(instead));
  return registered()(path);
}

}  // namespace attnscope
