// Tensor files given for q, k, v: any bytes, read as .npy, .npz and .safetensors, either open or
// throw InputError naming the file; an opened file reads every entry whole and in runs without
// reading past its bytes, and q, k, v assembled from it read every head or throw InputError.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/base/input_error.hpp"
#include "core/tensors/qkv_tensors.hpp"
#include "core/tensors/tensor_file.hpp"

using namespace attnscope;

namespace {

// Reading values is a question of time, not of parsing: large entries are left out.
constexpr int64_t kMaxElements = int64_t{1} << 20;

void read_entries(const TensorFile& file) {
  for (const TensorEntry& entry : file.entries()) {
    const int64_t count = entry.element_count();
    if (count > kMaxElements) continue;
    const std::vector<float> whole = file.read(entry);
    if (static_cast<int64_t>(whole.size()) != count) std::abort();
    if (count < 2) continue;
    // Every other element from the second: the runs agree with the whole read.
    const TensorRuns runs{1, 1, 2, count / 2};
    std::vector<float> part(static_cast<size_t>(runs.count));
    file.read(entry, runs, part.data());
    for (int64_t r = 0; r < runs.count; ++r)
      if (std::memcmp(&part[r], &whole[1 + 2 * r], sizeof(float)) != 0) std::abort();
  }
}

void read_heads(const TensorFile& file, const QkvOptions& options) {
  const QkvTensors qkv = qkv_tensors(file, options);
  if (qkv.heads() % qkv.kv_heads() != 0) std::abort();
  if (int64_t{qkv.batch()} * qkv.heads() * qkv.n() * qkv.d() > kMaxElements) return;
  for (int b = 0; b < qkv.batch(); ++b)
    for (int h = 0; h < qkv.heads(); ++h) {
      const QkvHead head = qkv.head(b, h);
      const size_t size = static_cast<size_t>(qkv.n()) * qkv.d();
      if (head.q.size() != size || head.k.size() != size || head.v.size() != size) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const char* source : {"fuzz.npy", "fuzz.npz", "fuzz.safetensors"}) {
    try {
      const TensorFile file = TensorFile::parse(bytes, source);
      read_entries(file);
      // By the names alone, and with a layer chosen (layers in the names or on a leading axis).
      for (const std::optional<int> layer : {std::optional<int>(), std::optional<int>(1)}) {
        try {
          read_heads(file, {"", std::nullopt, layer});
        } catch (const InputError&) {
        }
      }
    } catch (const InputError&) {
    }
  }
  return 0;
}
