// .npy files given to lint: any bytes either parse or throw SceneError naming the file, and a
// parsed tensor either yields per-head cells or throws SceneError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/mask_tensor.hpp"
#include "core/scene.hpp"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  MaskTensor tensor;
  try {
    tensor = npy_parse(bytes, "fuzz.npy");
  } catch (const SceneError&) {
    return 0;
  }
  long count = 1;
  for (long dim : tensor.shape) count *= dim;
  if (static_cast<size_t>(count) != tensor.values.size()) std::abort();
  for (MaskKind kind : {MaskKind::Auto, MaskKind::Boolean, MaskKind::Additive, MaskKind::Weights}) {
    try {
      const TensorCells cells = mask_tensor_cells(tensor, kind);
      if (cells.kind == MaskKind::Auto) std::abort();
      for (const RowRuns& runs : cells.allowed)
        if (runs.rows() != cells.n) std::abort();
    } catch (const SceneError&) {
    }
  }
  return 0;
}
