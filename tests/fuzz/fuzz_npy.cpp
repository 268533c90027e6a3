// .npy files given to lint: any bytes either parse or throw InputError naming the file, and a
// parsed file either yields per-slice cells under every reading or throws InputError; read as
// an index list of blocks or of keys (--indices), it yields one set of cells per slice, each of
// Nq rows of N keys, or throws InputError.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/masks/index_list.hpp"
#include "core/masks/mask_file.hpp"
#include "core/masks/mask_reading.hpp"
#include "core/scene/scene.hpp"

using namespace attnscope;

namespace {

void read_as_index_lists(const MaskFile& file) {
  const Policy causal;
  IndexListOptions token, block;
  block.unit = IndexUnit::Block;
  block.block_size = 3;  // does not divide the keys of most shapes: the last block is clipped
  block.keys = 64;
  block.invalid = 0;
  block.order = IndexOrder::Descending;
  token.order = IndexOrder::Ascending;
  for (const IndexListOptions& options : {token, block}) {
    try {
      const MaskShape shape = index_list_shape(file, options);
      const IndexList list = index_list_read(file, shape, options, causal, shape.keys - shape.queries);
      if (static_cast<int>(list.cells.size()) != shape.slices()) std::abort();
      for (const RowRuns& runs : list.cells)
        if (runs.rows() != shape.queries || runs.cols() != shape.keys || !runs.complete()) std::abort();
    } catch (const InputError&) {
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  MaskFile file;
  try {
    file = mask_file_parse(bytes, "fuzz.npy");
  } catch (const InputError&) {
    return 0;
  }
  if (!file.tensor || static_cast<size_t>(file.element_count()) != file.tensor->values.size()) std::abort();
  read_as_index_lists(file);
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
