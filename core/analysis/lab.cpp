#include "core/analysis/lab.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/base/input_error.hpp"
#include "core/reach/reach.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

const std::vector<std::string>& lab_task_names() {
  static const std::vector<std::string> names = {"random", "copy", "sort", "text"};
  return names;
}

LabTask::LabTask(const LabSettings& settings, int n) : task_(settings.task), n_(n), vocab_(settings.vocab) {
  const auto& names = lab_task_names();
  if (std::find(names.begin(), names.end(), task_) == names.end())
    throw InputError(fmt::format("task: '{}' is not a task; choose {}", task_, fmt::join(names, ", ")));
  if ((task_ == "copy" || task_ == "sort") && n % 2 != 0)
    throw InputError(fmt::format("n: the {} task needs an even --n (a first half and its {}), got {}", task_,
                                 task_ == "copy" ? "copy" : "sorted copy", n));
  if (task_ == "text") {
    if (settings.text.size() < static_cast<size_t>(n) + 1)
      throw InputError(fmt::format("text: the text task needs at least N + 1 = {} characters, the text has {}",
                                   n + 1, settings.text.size()));
    std::vector<int> index(256, -1);
    for (unsigned char c : settings.text) index[c] = 0;
    vocab_ = 0;
    for (int& i : index)
      if (i == 0) i = vocab_++;
    for (unsigned char c : settings.text) text_tokens_.push_back(index[c]);
  } else if (vocab_ < 2) {
    throw InputError(fmt::format("vocab: give at least 2 tokens, got {}", vocab_));
  }
}

std::vector<int64_t> LabTask::batch(int rows, std::mt19937_64& rng) const {
  std::vector<int64_t> tokens(static_cast<size_t>(rows) * n_);
  std::uniform_int_distribution<int64_t> token(0, vocab_ - 1);
  for (int r = 0; r < rows; ++r) {
    int64_t* row = tokens.data() + static_cast<size_t>(r) * n_;
    if (task_ == "text") {
      std::uniform_int_distribution<size_t> start(0, text_tokens_.size() - n_);
      std::copy_n(text_tokens_.begin() + static_cast<std::ptrdiff_t>(start(rng)), n_, row);
      continue;
    }
    const int random_part = task_ == "random" ? n_ : n_ / 2;
    for (int i = 0; i < random_part; ++i) row[i] = token(rng);
    if (task_ == "random") continue;
    std::copy_n(row, n_ / 2, row + n_ / 2);
    if (task_ == "sort") std::sort(row + n_ / 2, row + n_);
  }
  return tokens;
}

void lab_layers_from_stack(const Scene& scene, LabSettings& settings) {
  if (!scene.stack.empty()) settings.layers = scene_stack(scene).layers;
}

double lab_loss_axis_top(const std::vector<LabCurvePoint>& curves, const std::vector<double>& per_position,
                         double ln_vocab) {
  double top = ln_vocab * 1.25;
  for (const LabCurvePoint& c : curves) top = std::max({top, c.train_loss, c.eval_loss});
  for (double v : per_position) top = std::max(top, v);
  return std::ceil(top * 1.05);
}

bool lab_below_floor(double loss, double ln_vocab) { return loss < ln_vocab - kLabFloorMargin; }

double lab_floor_position(double loss, double ln_vocab) {
  if (!std::isfinite(loss)) return 1.0;
  return std::clamp((loss - ln_vocab) / ln_vocab, -1.0, 1.0);
}

void lab_settings_check(const LabSettings& s, const Scene& scene) {
  if (s.layers < 1) throw InputError(fmt::format("layers: give at least 1 layer, got {}", s.layers));
  if (s.steps < 1) throw InputError(fmt::format("steps: give at least 1 step, got {}", s.steps));
  if (s.batch < 1) throw InputError(fmt::format("batch: give at least 1 sequence per step, got {}", s.batch));
  if (s.eval_every < 1) throw InputError(fmt::format("eval-every: give at least 1 step, got {}", s.eval_every));
  if (s.d_model < 1 || s.d_model % scene.heads != 0)
    throw InputError(fmt::format("d-model: {} is not a positive multiple of the {} heads (--heads); try --d-model {}",
                                 s.d_model, scene.heads, scene.heads * std::max(1, s.d_model / scene.heads)));
  if (!(s.lr > 0) || !std::isfinite(s.lr))
    throw InputError(fmt::format("lr: give a positive learning rate such as 1e-3, got {}", s.lr));
  if (scene.n < 2) throw InputError(fmt::format("n: a next-token loss needs at least 2 tokens, got {}", scene.n));
}

int64_t lab_memory_bytes(const LabSettings& s, const Scene& scene, int vocab) {
  const int64_t d = s.d_model, n = scene.n, b = s.batch, h = scene.heads, l = s.layers, v = vocab;
  // Per layer: two layer norms, q/k/v/output projections and a 4·d MLP.
  const int64_t params = v * d + n * d + l * (12 * d * d + 13 * d) + 2 * d + d * v + v;
  // Parameter, gradient and Adam's two moments.
  const int64_t weights = 4 * params;
  // Per layer about 20 (B, N, d) tensors kept for the backward pass and three (B, H, N, N) score
  // tensors (scores, masked scores, weights); the logits and their softmax.
  const int64_t activations = l * (20 * b * n * d + 3 * b * h * n * n) + 3 * b * n * v + 2 * b * n * d;
  return 4 * (weights + 2 * activations);  // floats; the held-out evaluation needs as much again
}

std::vector<int> lab_reachable_targets(const std::vector<RowRuns>& masks, int layers) {
  return lab_reachable_targets(reach_next_token(masks, layers), layers);
}

std::vector<int> lab_reachable_targets(const NextTokenReach& next, int layers) {
  std::vector<int> positions;
  for (size_t p = 0; p < next.layer.size(); ++p)
    if (next.layer[p] >= 0 && next.layer[p] <= layers) positions.push_back(static_cast<int>(p));
  return positions;
}

double LabResult::ln_vocab() const { return std::log(static_cast<double>(vocab)); }

double LabResult::steps_per_second() const { return steps / std::max(seconds, 1e-9); }

nlohmann::json lab_result_json(const LabResult& r) {
  nlohmann::json curves = nlohmann::json::array();
  for (const LabCurvePoint& c : r.curves)
    curves.push_back({{"step", c.step}, {"train_loss", c.train_loss}, {"eval_loss", c.eval_loss}});
  return {{"variant", r.variant},
          {"task", r.task},
          {"n", r.n},
          {"heads", r.heads},
          {"vocab", r.vocab},
          {"ln_vocab", r.ln_vocab()},
          {"layers", r.layers},
          {"steps", r.steps},
          {"batch", r.batch},
          {"d_model", r.d_model},
          {"seconds", r.seconds},
          {"train_loss_per_position", r.train_loss_per_position},
          {"eval_full_causal_loss_per_position", r.eval_full_causal_loss_per_position},
          {"reachable_target_positions", r.reachable_target_positions},
          {"curves", curves}};
}

LabResult lab_result_from_json(const nlohmann::json& j, const std::string& source) {
  try {
    LabResult r;
    r.variant = j.at("variant").get<std::string>();
    r.task = j.at("task").get<std::string>();
    r.vocab = j.at("vocab").get<int>();
    r.layers = j.at("layers").get<int>();
    r.steps = j.at("steps").get<int>();
    r.seconds = j.at("seconds").get<double>();
    r.n = j.value("n", 0);
    r.heads = j.value("heads", 0);
    r.batch = j.value("batch", 0);
    r.d_model = j.value("d_model", 0);
    r.train_loss_per_position = j.at("train_loss_per_position").get<std::vector<double>>();
    r.eval_full_causal_loss_per_position = j.at("eval_full_causal_loss_per_position").get<std::vector<double>>();
    r.reachable_target_positions = j.at("reachable_target_positions").get<std::vector<int>>();
    for (const auto& c : j.at("curves"))
      r.curves.push_back({c.at("step").get<int>(), c.at("train_loss").get<double>(), c.at("eval_loss").get<double>()});
    if (r.vocab < 2 || r.train_loss_per_position.size() != r.eval_full_causal_loss_per_position.size())
      throw InputError("inconsistent sizes");
    return r;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: not the JSON of `attnscope train --json` ({})", source, e.what()));
  }
}

}  // namespace attnscope
