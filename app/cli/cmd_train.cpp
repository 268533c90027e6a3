// train: the lab. A tiny decoder-only language model trained under the scene's attention
// pattern (core/analysis/lab.hpp): on random tokens a training loss below ln V means the model
// reads its target through the mask, and the same model under full causal attention then does
// worse than ln V.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli/commands.hpp"
#include "app/cli/lab_train.hpp"
#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

constexpr int kDefaultBatch = 128;

class TrainCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "train",
                 "train a tiny language model under the scene's attention pattern and measure what a leak does");
    command_->add_option("--task", settings_.task, "random (default), copy, sort or text");
    command_->add_option("--layers", settings_.layers,
                         "transformer layers (default 2; with --stack, the stack's layer count, which it must equal)");
    command_->add_option("--steps", settings_.steps, "Adam steps (default 1000)");
    command_->add_option("--d-model", settings_.d_model, "model width, a multiple of --heads (default 64)");
    command_->add_option("--lr", settings_.lr, "Adam's learning rate (default 1e-3)");
    command_->add_option("--vocab", settings_.vocab, "tokens of the random, copy and sort tasks (default 16)");
    command_->add_option("--eval-every", settings_.eval_every, "steps between points of the curves (default 50)");
    command_->add_option("--text", text_file_, "the text task's file (default: attnscope's README.md)");
    command_->add_option("--save", save_, "write the model and its learned q, k, v to this .safetensors file");
    command_->footer(fmt::format("--batch is the sequences per step here (default {}); --seed seeds the data and "
                                 "the initial weights.",
                                 kDefaultBatch));
  }

  int run(std::ostream& out, std::ostream& err) override {
    LabTrainRequest request;
    request.scene = scene_options_.scene();
    request.settings = settings_;
    // A stack names its layer count; --layers, when given, must agree (lab_stack_check).
    if (!command_->count("--layers")) lab_layers_from_stack(request.scene, request.settings);
    request.settings.batch = command_->count("--batch") ? request.scene.batch : kDefaultBatch;
    request.settings.seed = request.scene.seed;
    if (request.settings.task == "text" && !text_file_.empty()) request.settings.text = lab_text_read(text_file_);
    if (!save_.empty()) save_check();
    request.save_path = save_;
    request.analyze = progress_attach(scene_options_.analyze_options(), err);
    LabProgress progress;
    progress.fraction = progress_callback(err, "training");
    const Scene scene = request.scene;
    const LabResult result = lab_train(std::move(request), progress);
    if (json_) out << lab_result_json(result).dump() << "\n";
    else report_text(result, scene, out);
    return 0;
  }

 private:
  // Refused before training rather than after it.
  void save_check() const {
    const std::filesystem::path path(save_);
    if (path.extension() != ".safetensors")
      throw InputError(fmt::format("save: the model is written as .safetensors; name such a file, not '{}'", save_));
    const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
      throw InputError(fmt::format("save: the folder '{}' does not exist", folder.string()));
  }

  void report_text(const LabResult& r, const Scene& scene, std::ostream& out) const {
    const double floor = r.ln_vocab();
    out << fmt::format("{} (N={}, G={}, H={}) on the {} task, V={}: {} layer{}, d_model {}, batch {}, {} steps in "
                       "{:.1f} s ({:.0f} steps/s)\n",
                       r.variant, r.n, scene.g, r.heads, r.task, r.vocab, r.layers, r.layers == 1 ? "" : "s", r.d_model, r.batch, r.steps,
                       r.seconds, r.steps_per_second());
    out << fmt::format("ln V = {:.3f}{}\n", floor,
                       r.task == "random" ? ": on random tokens no honest model does better" : "");
    out << "position  reaches token p+1  train loss  full-causal loss\n";
    int below = 0, below_reachable = 0;
    for (size_t p = 0; p < r.train_loss_per_position.size(); ++p) {
      const bool reaches = std::count(r.reachable_target_positions.begin(), r.reachable_target_positions.end(),
                                      static_cast<int>(p)) > 0;
      const bool under = lab_below_floor(r.train_loss_per_position[p], floor);
      below += under;
      below_reachable += under && reaches;
      out << fmt::format("{:>8}  {:>17}  {:>10.3f}  {:>16.3f}{}\n", p, reaches ? "yes" : "no",
                         r.train_loss_per_position[p], r.eval_full_causal_loss_per_position[p],
                         under ? "  below ln V" : "");
    }
    out << fmt::format("{} of {} positions can read their target after {} layer{}; {} went below ln V − {:g} under "
                       "the training mask ({} of them can read it)\n",
                       r.reachable_target_positions.size(), r.train_loss_per_position.size(), r.layers,
                       r.layers == 1 ? "" : "s", below, kLabFloorMargin, below_reachable);
    if (!save_.empty())
      out << fmt::format("wrote {}: weights and the learned q, k, v of every layer (open with --qkv {} --layer L)\n",
                         save_, save_);
  }

  LabSettings settings_;
  std::string text_file_, save_;
};

}  // namespace

std::unique_ptr<Command> command_train() { return std::make_unique<TrainCommand>(); }

}  // namespace attnscope
