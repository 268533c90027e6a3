#pragma once
// The q/k/v fixtures of tests/fixtures/tensors/ and the values make_tensors.py wrote into them,
// recomputed from its formula: element i (row-major) of a (B, N, H, D) tensor is
// float32(sin(0.37 * i + c)), c = 0 for q, 1 for k, 2 for v, plus 10 per layer.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/input_error.hpp"
#include "core/tensors/mask_tensor.hpp"

namespace attnscope::test {

constexpr int kB = 2, kN = 8, kH = 4, kD = 8, kHkv = 2;

inline std::string tensor_fixture(const std::string& name) {
  return std::string(ATTNSCOPE_TEST_DATA) + "/fixtures/tensors/" + name;
}

inline float tensor_formula(int64_t i, double c) {
  return static_cast<float>(std::sin(0.37 * static_cast<double>(i) + c));
}

// All of part p (0 q, 1 k, 2 v) of `layer` as (B, N, heads, D), row-major.
inline std::vector<float> expected_part(int part, int heads = kH, int layer = 0) {
  std::vector<float> values(static_cast<size_t>(kB) * kN * heads * kD);
  for (size_t i = 0; i < values.size(); ++i) values[i] = tensor_formula(static_cast<int64_t>(i), part + 10.0 * layer);
  return values;
}

// Batch row b, head h of that part as N × D.
inline std::vector<float> expected_head(int part, int b, int h, int heads = kH, int layer = 0) {
  const std::vector<float> all = expected_part(part, heads, layer);
  std::vector<float> head;
  for (int n = 0; n < kN; ++n)
    for (int d = 0; d < kD; ++d) head.push_back(all[((static_cast<size_t>(b) * kN + n) * heads + h) * kD + d]);
  return head;
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The largest |a - b| over two equally long vectors (infinity when their lengths differ).
inline float max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  float worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

// Rounding to float16 or bfloat16 moves a value in [-1, 1] by at most half their last place.
constexpr float kF32Tolerance = 1e-6f, kF16Tolerance = 0x1p-12f, kBF16Tolerance = 0x1p-9f;

// What the registered .pt reader (LibTorch's pt_load) returns for torch.save of a dict of
// bfloat16 q, k, v: their values already float32.
inline MaskTensor fake_pt_bf16_dict(const std::string& path) {
  MaskTensor dict;
  dict.source = path;
  for (int part = 0; part < 3; ++part) {
    MaskTensor t;
    t.dtype_name = "bfloat16";
    t.shape = {kB, kN, kH, kD};
    t.values = expected_part(part);
    dict.entry_names.push_back(std::string(1, "qkv"[part]));
    dict.entries.push_back(t);
  }
  return dict;
}

// The InputError message `run` throws, or "accepted".
template <typename Run>
std::string refusal(Run run) {
  try {
    run();
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace attnscope::test
