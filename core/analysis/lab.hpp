#pragma once
// The lab: a tiny decoder-only language model trained under a scene's attention pattern, to
// measure what a leak does. On uniformly random tokens the best honest next-token loss is ln V;
// a training loss below it means the model reads its target through the mask, and the same model
// evaluated under full causal attention (as at inference) then does worse than ln V.
// This file holds what the trainer (core/torch/lab_run.cpp), the command line and the figure
// share: the settings, the tasks' data, the result and its JSON, the memory estimate and which
// positions can reach their own target.
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/cells/row_runs.hpp"
#include "core/reach/reach.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

// random: uniform tokens (floor ln V everywhere); copy: a random first half, then the same half
// again (the second half is predictable); sort: a random first half, then it sorted; text:
// characters of a text file (the vocabulary is the file's distinct bytes).
const std::vector<std::string>& lab_task_names();

struct LabSettings {
  std::string task = "random";
  int layers = 2;
  int steps = 1000;
  int batch = 128;
  int d_model = 64;
  double lr = 1e-3;
  int vocab = 16;           // random, copy, sort; text takes the file's distinct bytes
  int eval_every = 50;      // steps between points of the curves
  uint64_t seed = 0;
  std::string text;         // the text task's characters
  bool operator==(const LabSettings&) const = default;
};

// The tokens of a task: (batch, n) row-major, each in [0, vocab). `text` only for the text task.
class LabTask {
 public:
  // Throws InputError naming the flag: unknown task, odd n for copy and sort, a text shorter
  // than n + 1 characters, vocab below 2.
  LabTask(const LabSettings& settings, int n);
  int vocab() const { return vocab_; }
  std::vector<int64_t> batch(int rows, std::mt19937_64& rng) const;

 private:
  std::string task_;
  int n_ = 0;
  int vocab_ = 0;
  std::vector<int64_t> text_tokens_;  // the text as vocabulary indices
};

// A stack names the model's layer count: `settings.layers` becomes it (the command line without
// --layers, the GUI's Lab panel always). Nothing changes for a scene without a stack.
void lab_layers_from_stack(const Scene& scene, LabSettings& settings);

// Throws InputError naming the flag for settings no training can use (non-positive sizes, d_model
// not a multiple of the heads, a learning rate that is not a positive number).
void lab_settings_check(const LabSettings& settings, const Scene& scene);

// Bytes the training will hold at most: parameters with Adam's two moments and gradients, and the
// activations autograd keeps for one batch (the (B, H, N, N) scores dominate at large N).
int64_t lab_memory_bytes(const LabSettings& settings, const Scene& scene, int vocab);

// Positions p whose target, token p+1, can reach the output at p after `layers` stacked layers of
// the masks (the core's receptive field, core/reach/reach.hpp).
std::vector<int> lab_reachable_targets(const std::vector<RowRuns>& masks, int layers);
// The same from a next-token reach already propagated (through a stack's own layers).
std::vector<int> lab_reachable_targets(const NextTokenReach& next, int layers);

// A position "went below the floor" when its loss is this far under ln V: far beyond the noise
// of a held-out batch's mean at the default batch size.
inline constexpr double kLabFloorMargin = 0.1;
bool lab_below_floor(double loss, double ln_vocab);
// Where a loss stands against the floor, for colouring: −1 at 0 (the model reads its target),
// 0 at ln V (it learned nothing it could not), +1 at 2·ln V and above (worse than guessing).
double lab_floor_position(double loss, double ln_vocab);

struct LabCurvePoint {
  int step = 0;
  double train_loss = 0;  // mean over positions, on the batch of that step, under the training mask
  double eval_loss = 0;   // mean over positions, on a held-out batch, under full causal attention
};

struct LabResult {
  std::string variant, task;
  int n = 0, heads = 0, vocab = 0, layers = 0, steps = 0, batch = 0, d_model = 0;
  double seconds = 0;
  // Position p's loss is the prediction of token p+1 (N−1 entries), on a held-out batch.
  std::vector<double> train_loss_per_position;           // under the training mask
  std::vector<double> eval_full_causal_loss_per_position;  // the same model under full causal
  std::vector<int> reachable_target_positions;
  std::vector<LabCurvePoint> curves;
  double ln_vocab() const;
  double steps_per_second() const;
};

// The top of a loss axis showing `curves` and `per_position` with ln V well inside: a whole
// number of nats (the figure and the GUI's live curves, whose top grows while training runs).
double lab_loss_axis_top(const std::vector<LabCurvePoint>& curves, const std::vector<double>& per_position,
                         double ln_vocab);

nlohmann::json lab_result_json(const LabResult& result);
// Throws InputError naming `source` when the document is not a lab result.
LabResult lab_result_from_json(const nlohmann::json& j, const std::string& source);

}  // namespace attnscope
