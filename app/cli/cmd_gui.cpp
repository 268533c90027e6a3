// gui: parses the scene and the screenshot/bench options, then hands them to the GUI launcher.
#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <tuple>

#include "app/cli/audit_measure.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/lab_train.hpp"
#include "core/analysis/audit_analysis.hpp"
#include "core/base/input_error.hpp"
#include "core/presentation/colormap.hpp"
#include "core/scene/token_text.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

// "1024x768" -> {1024, 768}; sizes from 320 to 8192 pixels.
std::optional<std::pair<int, int>> size_parse(const std::string& text) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || x != 'x') return std::nullopt;
  if (w < 320 || h < 240 || w > 8192 || h > 8192) return std::nullopt;
  return std::pair{w, h};
}

// --bench-then's change: "cost", or "compare:", "variant:" or "theme:" and a name the core knows.
std::string bench_then_check(const std::string& text) {
  const size_t colon = text.find(':');
  const std::string kind = text.substr(0, colon), name = colon == std::string::npos ? "" : text.substr(colon + 1);
  if (text == "cost") return {};
  if ((kind == "compare" || kind == "variant") && variant_find(name)) return {};
  if (kind == "theme") {
    try {
      theme_parse(name);
      return {};
    } catch (const InputError&) {
    }
  }
  return "expected cost, compare:VARIANT, variant:VARIANT or theme:NAME, e.g. compare:s2-fix-mask";
}

class GuiCommand final : public Command {
 public:
  explicit GuiCommand(GuiLauncher launcher) : launcher_(std::move(launcher)) {}
  void attach(CLI::App& app) override {
    command_ = app.add_subcommand("gui", "open the desktop GUI (the default without a subcommand)");
    scene_options_.attach(*command_);
    command_->add_option("--step", request_.step, "start at this step (index into 'attnscope steps')");
    command_->add_option("--screenshot", request_.screenshot,
                         "render, save the window as this PNG (plus a .json of the layout) and exit");
    command_->add_option("--frames", request_.frames, "frames rendered before the screenshot; default 3")
        ->check(CLI::PositiveNumber);
    command_->add_flag("--classroom", request_.classroom, "large type, high contrast, student controls only");
    command_->add_flag("--bright", request_.bright, "classroom mode in black on white, for a lit room (View > Theme)");
    command_->add_flag("--no-settings", request_.no_settings,
                       "start from the defaults and leave the settings file alone");
    command_->add_flag("--cost", request_.cost, "open on the cost panel (key O)");
    command_->add_flag("--reach", request_.stack_reach,
                       "a model stack: open on the receptive field after the shown layer (key R)");
    command_->add_flag("--lab", request_.lab, "open on the Lab panel (key T): train a tiny model under the scene");
    command_->add_option("--lab-steps", request_.lab_steps,
                         "open on the Lab panel and start training this many steps at once (screenshots wait for it)")
        ->check(CLI::PositiveNumber);
    command_->add_option("--lab-open", request_.lab_open,
                         "with --lab-steps: once trained, open the learned q, k, v of this layer in every view")
        ->check(CLI::NonNegativeNumber);
    command_->add_flag("--compare-view", request_.compare_view,
                       "open the compare view on the variants of --compare (default: the scene's relatives)");
    command_->add_option("--bench-frames", request_.bench_frames,
                         "render this many frames, print frame-time statistics and exit")
        ->check(CLI::PositiveNumber);
    command_->add_option("--bench-then", request_.bench_then,
                         "halfway through --bench-frames, open the cost panel (cost), switch the compare view's B "
                         "(compare:VARIANT), the scene's variant (variant:VARIANT) or the theme (theme:NAME)")
        ->check([](const std::string& v) { return bench_then_check(v); });
    command_->add_option("--size", size_, "window size WIDTHxHEIGHT; default 1280x800, else the last one")
        ->check([](const std::string& v) { return size_parse(v) ? std::string() : "expected WIDTHxHEIGHT from 320x240 to 8192x8192, e.g. 1024x768"; });
    command_->add_option("--state-out", request_.state_out,
                         "rewrite this JSON file with the step, zoom, scene, layout and cut text whenever they change (for scripts)");
    command_->add_option("--zoom-to", zoom_to_,
                         "open zoomed in on query Q and key K with SPAN tokens on screen: Q,K[,SPAN], "
                         "e.g. 16384,16384 (SPAN 48)");
    command_->add_option("--audit", audit_,
                         "open a TorchScript module's dependency maps and steps ('attnscope audit')");
    command_->add_option("--inputs", inputs_, "with --audit: forward's arguments, qkv, q,k,v or x");
    command_->add_option("--tokens", tokens_,
                         "each token's text on the heatmaps' axes and in the inspector: a JSON list of strings "
                         "or a file of one token per line");
  }
  int run(std::ostream&, std::ostream& err) override {
    if (!launcher_) {
      err << "attnscope: this build has no GUI; run headless: attnscope mask / steps / export\n";
      return 2;
    }
    GuiRequest request = request_;
    if (auto size = size_parse(size_)) std::tie(request.width, request.height) = *size;
    request.scene = scene_options_.scene();
    if (!zoom_to_.empty()) {
      const std::vector<int64_t> cell = parse_int_list(zoom_to_, "zoom-to");
      const int64_t n = request.scene.n;
      if (cell.size() < 2 || cell.size() > 3 || cell[0] < 0 || cell[1] < 0 || cell[0] >= n || cell[1] >= n ||
          (cell.size() == 3 && (cell[2] < 4 || cell[2] > n)))
        throw SceneError(fmt::format("zoom-to: give a query and a key below N = {} and, optionally, 4..N "
                                     "tokens on screen, e.g. --zoom-to 0,0,16",
                                     n));
      request.zoom_to = {static_cast<int>(cell[0]), static_cast<int>(cell[1]),
                         cell.size() == 3 ? static_cast<int>(cell[2]) : kZoomToSpan};
    }
    if (request.stack_reach && request.scene.stack.empty())
      throw InputError("reach: --reach shows a model stack's receptive field; give --stack or a scene file with a stack");
    if (request.lab_open >= 0 && request.lab_steps == 0)
      throw InputError("lab-open: the learned attention comes from a training; give --lab-steps too");
    request.scene_given = scene_options_.any_given();
    request.memory_budget_bytes = scene_options_.analyze_options().memory_budget_bytes;
    if (!tokens_.empty()) {
      request.token_text = token_text_read(tokens_);
      if (request.scene_given) token_text_check(request.token_text, request.scene.n);
    }
    request.audit_module = [inputs = inputs_](const Scene& sizes, const std::string& path,
                                              const std::function<void(double)>& progress) {
      const AuditOptions options = audit_options(sizes, path, inputs);
      return audit_analysis(audit_measure(options, {}, false, progress), options, sizes);
    };
    request.lab_trainer = [budget = scene_options_.analyze_options().memory_budget_bytes](
                              const Scene& scene, const LabSettings& settings, const std::string& save_path,
                              const LabProgress& progress) {
      LabTrainRequest lab{scene, settings, save_path, {}};
      lab.analyze.memory_budget_bytes = budget;
      return lab_train(std::move(lab), progress);
    };
    if (audit_.empty()) scene_validate(request.scene);
    else {
      const AuditOptions options = audit_options(request.scene, audit_, inputs_);
      request.audit = audit_analysis(audit_measure(options, {}, true), options, request.scene);
    }
    return launcher_(request);
  }

 private:
  GuiLauncher launcher_;
  SceneOptions scene_options_;
  GuiRequest request_;
  std::string audit_, inputs_, zoom_to_, tokens_;
  std::string size_;
};

}  // namespace

std::unique_ptr<Command> command_gui(GuiLauncher launcher) {
  return std::make_unique<GuiCommand>(std::move(launcher));
}

}  // namespace attnscope
