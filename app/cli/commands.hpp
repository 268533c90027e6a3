#pragma once
// A subcommand: attaches its flags to the app, runs when chosen, returns the exit code.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "app/cli/gui_request.hpp"
#include "app/cli/progress.hpp"
#include "app/cli/scene_options.hpp"
#include "core/analysis/stack_model.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

class Command {
 public:
  virtual ~Command() = default;
  virtual void attach(CLI::App& app) = 0;
  virtual int run(std::ostream& out, std::ostream& err) = 0;
  bool chosen() const { return command_ && command_->parsed(); }

 protected:
  CLI::App* command_ = nullptr;
};

// The shared part of the commands that analyse a scene: scene flags and --json.
class SceneCommand : public Command {
 protected:
  void attach_scene(CLI::App& app, const std::string& name, const std::string& help) {
    command_ = app.add_subcommand(name, help);
    scene_options_.attach(*command_);
    command_->add_flag("--json", json_, "print one JSON document");
  }
  // `values`: false for commands that show only structure (masks, leaks, steps), which then
  // accept any N; progress goes to `err` when it is a terminal, and Ctrl-C cancels.
  std::shared_ptr<const Analysis> analysis(bool values = true, std::ostream& err = std::cerr) const {
    AnalyzeOptions options = progress_attach(scene_options_.analyze_options(), err);
    options.values = values;
    return analyze(scene(), options);
  }
  // The flags' scene, its stack (if any) cut or repeated to --layers.
  Scene scene() const {
    Scene s = scene_options_.scene();
    if (stack_layers_ != kLayersNotGiven && !s.stack.empty()) s = stack_with_layers(s, stack_layers_);
    return s;
  }
  // Every layer of the scene's stack; null when the scene has none.
  std::optional<StackModel> stack(std::ostream& err) const {
    const Scene s = scene();
    if (s.stack.empty()) return std::nullopt;
    AnalyzeOptions options = scene_options_.analyze_options();
    options.progress = progress_callback(err, "layers");
    return stack_model(s, options);
  }
  // --layers: the layer count of a --stack.
  void attach_stack_layers() {
    command_->add_option("--layers", stack_layers_, "with --stack: the model's layer count (the pattern repeats)");
  }
  SceneOptions scene_options_;
  bool json_ = false;
  static constexpr int kLayersNotGiven = -1;
  int stack_layers_ = kLayersNotGiven;
};

std::vector<std::unique_ptr<Command>> commands_create(GuiLauncher launcher = {});

// Each subcommand's factory, defined in its own file.
std::unique_ptr<Command> command_variants();
std::unique_ptr<Command> command_mask();
std::unique_ptr<Command> command_leaks();
std::unique_ptr<Command> command_cost();
std::unique_ptr<Command> command_steps();
std::unique_ptr<Command> command_weights();
std::unique_ptr<Command> command_verify();
std::unique_ptr<Command> command_lint();
std::unique_ptr<Command> command_audit();
std::unique_ptr<Command> command_train();
std::unique_ptr<Command> command_export();
std::unique_ptr<Command> command_gui(GuiLauncher launcher);

}  // namespace attnscope
