#include "core/tensors/attention_weights.hpp"

#include <fmt/format.h>

#include "core/base/input_error.hpp"

namespace attnscope {

std::shared_ptr<const AttentionWeights> AttentionWeights::open(const std::string& path) {
  TensorFile file = TensorFile::open(path);
  if (file.entries().size() != 1)
    throw InputError(fmt::format("attention: {} holds {} tensors; save one tensor of weights (B, H, N, N)", path,
                                 file.entries().size()));
  const TensorEntry& entry = file.entries().front();
  const auto& s = entry.shape;
  if (s.size() < 2 || s.size() > 4 || s[s.size() - 1] != s[s.size() - 2])
    throw InputError(fmt::format("attention: {} holds a tensor of shape {}; attention weights are (B, H, N, N), "
                                 "(H, N, N) or (N, N)",
                                 path, entry.shape_text()));
  if (!tensor_dtype_floating(entry.dtype))
    throw InputError(fmt::format("attention: {} holds {} values; attention weights are floating point", path,
                                 tensor_dtype_name(entry.dtype)));
  return std::shared_ptr<const AttentionWeights>(new AttentionWeights(std::move(file), entry));
}

AttentionWeights::AttentionWeights(TensorFile file, const TensorEntry& entry) : file_(std::move(file)) {
  entry_ = file_.find(entry.name);
  const auto& s = entry_->shape;
  n_ = static_cast<int>(s.back());
  heads_ = s.size() >= 3 ? static_cast<int>(s[s.size() - 3]) : 1;
  batch_ = s.size() == 4 ? static_cast<int>(s[0]) : 1;
}

void AttentionWeights::row(int b, int h, int q, float* out) const {
  const int64_t batch_row = b < batch_ ? b : 0, head = h < heads_ ? h : 0;  // (N, N): every head's
  const int64_t first = ((batch_row * heads_ + head) * n_ + q) * int64_t{n_};
  file_.read(*entry_, TensorRuns{first, n_, 0, 1}, out);
}

}  // namespace attnscope
