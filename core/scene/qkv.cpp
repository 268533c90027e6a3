#include "core/scene/qkv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/scene/qkv_file.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

namespace {

// Box-Muller on a 64-bit Mersenne Twister: the same numbers on every standard library.
class Gaussian {
 public:
  explicit Gaussian(uint64_t seed) : engine_(seed) {}
  float next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;          // [0, 1)
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * M_PI * u2;
    spare_ = static_cast<float>(radius * std::sin(angle));
    has_spare_ = true;
    return static_cast<float>(radius * std::cos(angle));
  }
  // Advances past `count` numbers as if next() had been called that often, without the
  // Box-Muller arithmetic: each pair of numbers costs two engine draws.
  void skip(int64_t count) {
    if (count > 0 && has_spare_) {
      has_spare_ = false;
      --count;
    }
    engine_.discard(static_cast<unsigned long long>(count / 2) * 2);
    if (count % 2 == 1) next();
  }

 private:
  std::mt19937_64 engine_;
  float spare_ = 0;
  bool has_spare_ = false;
};

float positional(int token, int i, int d) {
  const double rate = std::pow(10000.0, -2.0 * (i / 2) / d);
  // |p|² = √D, so the positional part of q·k/√D is locality² · mean cos(Δ·rate), whatever D is.
  const double scale = std::pow(d, 0.25) / std::sqrt(std::max(1.0, d / 2.0));
  return static_cast<float>((i % 2 == 0 ? std::sin(token * rate) : std::cos(token * rate)) * scale);
}

// Zeroed q, k, v of the scene's B, N and D for `heads` heads.
Qkv qkv_sized(const Scene& scene, int heads) {
  Qkv qkv;
  qkv.batch = scene.batch;
  qkv.n = scene.n;
  qkv.heads = heads;
  qkv.d = scene.d;
  qkv.data.resize(static_cast<size_t>(scene.batch) * scene.n * 3 * heads * scene.d);
  return qkv;
}

}  // namespace

Qkv qkv_generate(const Scene& scene) { return qkv_generate_heads(scene, 0, scene.heads); }

Qkv qkv_generate_heads(const Scene& scene, int head_begin, int head_end) {
  Qkv qkv = qkv_sized(scene, head_end - head_begin);
  // The positional part depends only on (token, i): one table row per token, reused by q and k.
  std::vector<float> bias(qkv.d);
  Gaussian gaussian(scene.seed);
  const int64_t before = int64_t{head_begin} * qkv.d, after = int64_t{scene.heads - head_end} * qkv.d;
  for (int b = 0; b < qkv.batch; ++b)
    for (int t = 0; t < qkv.n; ++t) {
      for (int i = 0; i < qkv.d; ++i) bias[i] = kQkvLocality * positional(t, i, qkv.d);
      for (int part = 0; part < 3; ++part) {
        gaussian.skip(before);
        for (int h = 0; h < qkv.heads; ++h) {
          float* out = qkv.row(b, t, part, h);
          for (int i = 0; i < qkv.d; ++i) out[i] = gaussian.next() + (part == Qkv::V ? 0.f : bias[i]);
        }
        gaussian.skip(after);
      }
    }
  return qkv;
}

Qkv qkv_of_scene(const Scene& scene) { return qkv_of_scene_heads(scene, 0, scene.heads); }

Qkv qkv_of_scene_heads(const Scene& scene, int head_begin, int head_end) {
  if (scene.qkv.empty()) return qkv_generate_heads(scene, head_begin, head_end);
  const auto tensors = qkv_file_open(scene);
  Qkv qkv = qkv_sized(scene, head_end - head_begin);
  for (int b = 0; b < qkv.batch; ++b)
    for (int h = head_begin; h < head_end; ++h) {
      const QkvHead head = tensors->head(b, h);
      const std::vector<float>* parts[] = {&head.q, &head.k, &head.v};
      for (int part = 0; part < 3; ++part)
        for (int t = 0; t < qkv.n; ++t)
          std::copy_n(parts[part]->data() + int64_t{t} * qkv.d, qkv.d, qkv.row(b, t, part, h - head_begin));
    }
  return qkv;
}

void qkv_check_finite(const Qkv& qkv) {
  static constexpr const char* kPart[] = {"q", "k", "v"};
  for (int b = 0; b < qkv.batch; ++b)
    for (int t = 0; t < qkv.n; ++t)
      for (int part = 0; part < 3; ++part)
        for (int h = 0; h < qkv.heads; ++h)
          for (int i = 0; i < qkv.d; ++i)
            if (!std::isfinite(qkv.data[qkv.index(b, t, part, h, i)]))
              throw SceneError(fmt::format(
                  "input: {}[batch {}, token {}, head {}, dim {}] is not a finite number; "
                  "replace NaN/Inf values before analysing",
                  kPart[part], b, t, h, i));
}

}  // namespace attnscope
