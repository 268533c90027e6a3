#pragma once
// Users' own q, k, v read from a tensor file: which entries they are (core/tensors/qkv_names.hpp),
// their layout, batch, tokens, heads and head size, checked against each other, and one batch
// row and head at a time read as float32 from the bytes of that head alone.
#include <optional>
#include <string>
#include <vector>

#include "core/tensors/tensor_file.hpp"

namespace attnscope {

// bnhd: (B, N, H, D), the default (what most attention code passes around); bhnd: (B, H, N, D)
// (what SDPA takes). Rank-3 tensors are the same without B (B = 1). A packed qkv is always
// (B, N, 3, H, D), LongLoRA's packing.
enum class QkvLayout { Bnhd, Bhnd };

// "bnhd" or "bhnd"; throws InputError naming --qkv-layout otherwise.
QkvLayout qkv_layout_parse(const std::string& text);

struct QkvOptions {
  std::string names;                // --qkv-key "q=A,k=B,v=C" or "qkv=A"; empty: by their names
  std::optional<QkvLayout> layout;  // --qkv-layout; nullopt: bnhd, said to be the default
  std::optional<int> layer;         // --layer, for files of several layers
};

struct QkvHead {
  std::vector<float> q, k, v;  // N × D each, row-major
};

class QkvTensors {
 public:
  int batch() const { return batch_; }
  int n() const { return n_; }
  int heads() const { return heads_; }        // query heads
  int kv_heads() const { return kv_heads_; }  // key and value heads; divides heads()
  int d() const { return d_; }
  // One line: what was read as what, and why ("read q, k, v from 'q', 'k', 'v' of f.npz as ...").
  const std::string& description() const { return description_; }

  // q, k, v of batch row b and query head h (k and v of key/value head h / (H / H_kv)). Throws
  // InputError naming the tensor and index of the first NaN or infinite value read.
  QkvHead head(int b, int h) const;
  // The same into the caller's buffers of N × D floats each.
  void head(int b, int h, float* q, float* k, float* v) const;

 private:
  friend QkvTensors qkv_tensors(const TensorFile& file, const QkvOptions& options);
  explicit QkvTensors(TensorFile file) : file_(std::move(file)) {}

  // Where one of q, k, v is in its entry: element strides of its axes, and the offset of its
  // layer and packed part.
  struct Part {
    const TensorEntry* entry = nullptr;
    const char* label = "q";
    int64_t base = 0, batch_stride = 0, token_stride = 0, head_stride = 0;
  };
  void read_part(const Part& part, int b, int head, float* out) const;

  TensorFile file_;
  Part q_, k_, v_;
  int batch_ = 0, n_ = 0, heads_ = 0, kv_heads_ = 0, d_ = 0;
  std::string description_;
};

// Throws InputError, one line naming the file, the tensor and its shape, for: no q, k, v (the
// entries found are listed), several layers and none chosen, a wrong rank, B, N or D that
// disagree, key/value heads that do not divide the query heads, integer or bool dtypes.
QkvTensors qkv_tensors(const TensorFile& file, const QkvOptions& options);

}  // namespace attnscope
