// .npy files given to lint: any bytes either parse or throw InputError naming the file, and a
// parsed file either yields per-slice cells under every reading or throws InputError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/masks/mask_file.hpp"
#include "core/masks/mask_reading.hpp"
#include "core/scene/scene.hpp"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  MaskFile file;
  try {
    file = mask_file_parse(bytes, "fuzz.npy");
  } catch (const InputError&) {
    return 0;
  }
  if (!file.tensor || static_cast<size_t>(file.element_count()) != file.tensor->values.size()) std::abort();
  MaskScan scan;
  try {
    scan = mask_scan(file);
  } catch (const InputError&) {
    return 0;
  }
  for (MaskKind kind : {MaskKind::Auto, MaskKind::Boolean, MaskKind::Blocked, MaskKind::Additive,
                        MaskKind::Weights}) {
    try {
      const MaskReading reading = mask_reading(scan, kind);
      if (reading.kind == MaskKind::Auto) std::abort();
      if (static_cast<int>(reading.cells.size()) != scan.shape.slices()) std::abort();
      for (const RowRuns& runs : reading.cells)
        if (runs.rows() != scan.shape.queries) std::abort();
    } catch (const InputError&) {
    }
  }
  return 0;
}
