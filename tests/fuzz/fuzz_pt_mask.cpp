// .pt files given to lint and File > Open, read as the app's child process reads them: any bytes
// either load as a mask whose every tensor holds as many values as its shape says, or throw
// InputError with a message. Another exception type, a crash, a hang or an allocation of
// gigabytes is a finding; scripts/fuzz counts those inside LibTorch apart, since the child
// process contains them (app/cli/torch_loader.cpp).
#include <cstdint>
#include <cstdlib>

#include "core/base/input_error.hpp"
#include "core/torch/pt_load.hpp"
#include "tests/fuzz/torch_fuzz.hpp"

using namespace attnscope;

namespace {

bool values_match_shape(const MaskTensor& tensor) {
  if (tensor.is_dict()) {
    if (!tensor.values.empty() || tensor.entries.size() != tensor.entry_names.size()) return false;
    for (const MaskTensor& entry : tensor.entries)
      if (entry.is_dict() || !values_match_shape(entry)) return false;
    return true;
  }
  size_t count = 1;
  for (long size : tensor.shape) {
    if (size < 0) return false;
    count *= static_cast<size_t>(size);
  }
  return tensor.values.size() == count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::scratch_file_write(data, size, "mask.pt");
  try {
    if (!values_match_shape(pt_load(path))) std::abort();
  } catch (const InputError& e) {
    if (!fuzz::one_printable_line(e.what())) std::abort();
  }
  return 0;
}
