#pragma once
// The synthetic q, k, v of a scene, laid out exactly like the paper's packed tensor (B, N, 3, H, D),
// row-major, so the core and the LibTorch reference read the same bytes.
#include <cstdint>
#include <vector>

namespace attnscope {

struct Scene;

struct Qkv {
  int batch = 0, n = 0, heads = 0, d = 0;
  std::vector<float> data;  // (B, N, 3, H, D) row-major

  enum Part { Q = 0, K = 1, V = 2 };
  int64_t index(int b, int token, int part, int head, int i) const {
    return ((((static_cast<int64_t>(b) * n + token) * 3 + part) * heads + head) * d) + i;
  }
  const float* row(int b, int token, int part, int head) const {
    return data.data() + index(b, token, part, head, 0);
  }
  float* row(int b, int token, int part, int head) {
    return data.data() + index(b, token, part, head, 0);
  }
};

// Deterministic for a given seed on every platform (own generator and Box-Muller, no
// std::normal_distribution, whose output differs between standard libraries).
//   x = noise + locality * p(t),  p(t)_i = sin/cos(t / 10000^(2i/D)) * D^(1/4) / sqrt(D/2)
// q and k share p(t), so q_t · k_s grows as |t - s| shrinks: the weights look like attention
// with a preference for nearby tokens instead of uniform noise. v has no positional part.
constexpr float kQkvLocality = 1.5f;
Qkv qkv_generate(const Scene& scene);
// Heads [head_begin, head_end) only, stored as heads 0.. of the result; the same numbers as
// qkv_generate, so a view can compute one head's values without every head's q, k, v.
Qkv qkv_generate_heads(const Scene& scene, int head_begin, int head_end);

// The scene's q, k, v wherever they come from: generated, or read from its file (scene.qkv),
// heads [head_begin, head_end) only, each head read from its own bytes.
Qkv qkv_of_scene(const Scene& scene);
Qkv qkv_of_scene_heads(const Scene& scene, int head_begin, int head_end);

// The first non-finite value, as (b, token, part, head, i); throws SceneError if there is one.
void qkv_check_finite(const Qkv& qkv);

}  // namespace attnscope
