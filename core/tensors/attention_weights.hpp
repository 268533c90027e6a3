#pragma once
// A model's own attention weights saved by the user (transformers' output_attentions=True):
// (B, H, N, N), (H, N, N) or (N, N) in any tensor file, read a row at a time from its bytes, so a
// view of a few rows reads only those.
#include <memory>
#include <string>

#include "core/tensors/tensor_file.hpp"

namespace attnscope {

class AttentionWeights {
 public:
  // Throws InputError naming the file and its shape when it holds no square (.., N, N) tensor.
  static std::shared_ptr<const AttentionWeights> open(const std::string& path);

  int batch() const { return batch_; }
  int heads() const { return heads_; }
  int n() const { return n_; }
  // Row q of head h in batch row b (row 0 when the file has fewer batch rows, head 0 when it has one
  // head): the weights of keys 0..N-1.
  void row(int b, int h, int q, float* out) const;

 private:
  AttentionWeights(TensorFile file, const TensorEntry& entry);
  TensorFile file_;
  const TensorEntry* entry_ = nullptr;
  int batch_ = 1, heads_ = 1, n_ = 0;
};

}  // namespace attnscope
