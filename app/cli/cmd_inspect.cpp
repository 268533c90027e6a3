// variants, mask, leaks, steps: the read-only views of an analysis.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "app/cli/commands.hpp"
#include "app/cli/stack_views.hpp"
#include "app/cli/views.hpp"
#include "core/base/progress_scope.hpp"
#include "core/reach/reach.hpp"

namespace attnscope {

namespace {

StackReach stack_reach(const StackModel& model, int64_t max_bytes, std::ostream& err) {
  const ProgressScope progress(progress_callback(err, "receptive field"));
  return stack_model_reach(model, max_bytes);
}

class VariantsCommand final : public Command {
 public:
  void attach(CLI::App& app) override {
    command_ = app.add_subcommand("variants", "list the attention variants, their parameters and sources");
    command_->add_flag("--json", json_, "print one JSON document");
  }
  int run(std::ostream& out, std::ostream&) override {
    if (json_) out << variants_json().dump(2) << "\n";
    else variants_text(out);
    return 0;
  }

 private:
  bool json_ = false;
};

class MaskCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "mask", "draw each head's allowed cells in original coordinates, leaks marked X");
    command_->add_option("--head", head_, "only this head");
    command_->add_flag("--frame", frame_, "draw the cells in the frame (rolled, grouped) coordinates");
    command_->add_option("--layers", layers_,
                         "receptive field over this many stacked layers of the mask (default 1); with "
                         "--stack, the model's layer count");
  }
  int run(std::ostream& out, std::ostream& err) override {
    stack_layers_ = layers_;
    const auto result = analysis(false, err);
    if (head_ < -1 || head_ >= result->heads())
      throw SceneError(fmt::format("head: {} is not a head of this scene; use 0..{}", head_,
                                   result->heads() - 1));
    if (frame_) {
      mask_frame_text(*result, head_, out);
      return 0;
    }
    if (const std::optional<StackModel> model = stack(err)) {
      const StackReach reach = stack_reach(*model, scene_options_.analyze_options().memory_budget_bytes, err);
      if (json_) {
        nlohmann::json j = mask_json(*result, head_);
        j["stack"] = stack_reach_json(*model, reach);
        out << j.dump() << "\n";
      } else {
        mask_text(*result, head_, out);
        stack_reach_text(*model, reach, out);
      }
      return 0;
    }
    if (layers_ == kLayersNotGiven) layers_ = 1;
    // Only with --layers: stacking layers is what lets a leak reach a query's own target.
    const ReachReport report = [&] {
      const ProgressScope progress(progress_callback(err, "receptive field"));
      return reach_with_next_token(result->build.masks, layers_,
                                   scene_options_.analyze_options().memory_budget_bytes, layers_ > 1);
    }();
    const Reach& reach = report.reach;
    const std::optional<NextTokenReach>& next = report.next;
    if (json_) {
      nlohmann::json j = mask_json(*result, head_);
      j["layers"] = reach.layers;
      j["reach"] = reach.counts;
      if (next) j["next_token"] = {{"first_layer", next->first}, {"query", next->query},
                                   {"queries", next->count_within(layers_)}, {"layer", next->layer}};
      out << j.dump() << "\n";
    } else {
      mask_text(*result, head_, out);
      reach_text(reach, out);
      if (next) next_token_text(*next, layers_, out);
    }
    return 0;
  }

 private:
  // One line: how far information travels through `layers` stacked copies of this mask.
  static void reach_text(const Reach& reach, std::ostream& out) {
    const auto [lo, hi] = std::minmax_element(reach.counts.begin(), reach.counts.end());
    out << fmt::format("receptive field after {} layer{} (union of heads, residual path "
                       "included): each token is reached by {}..{} tokens; the last token by {} "
                       "of {}{}\n",
                       reach.layers, reach.layers == 1 ? "" : "s", *lo, *hi, reach.counts.back(),
                       reach.counts.size(),
                       reach.saturated_at >= 0
                           ? fmt::format("; no growth after layer {}", reach.saturated_at)
                           : "");
  }

  // "; after 8 layers every one of the 15 queries can" when all do within `layers`, else how many
  // do by then; nothing when only one query has a next token.
  static std::string every_query_text(const NextTokenReach& next, int layers) {
    const int queries = static_cast<int>(next.layer.size()) - 1;
    if (queries < 2) return "";
    const int every = next.every_query_at();
    if (every >= 0)
      return fmt::format("; after {} layer{} every one of the {} queries can", every, every == 1 ? "" : "s", queries);
    return fmt::format("; after {} layers {} of {} queries can", layers, next.count_within(layers), queries);
  }

  // Why a leak matters: a query that can depend on token q+1 can copy its training target.
  static void next_token_text(const NextTokenReach& next, int layers, std::ostream& out) {
    if (next.first < 0) {
      out << fmt::format("no query can depend on its own next token within {} layers\n", layers);
      return;
    }
    out << fmt::format("after {} layer{} query {} can depend on token {}, its own next token (the target it is "
                       "trained to predict){}\n",
                       next.first, next.first == 1 ? "" : "s", next.query, next.query + 1, every_query_text(next, layers));
  }

  int head_ = -1;
  bool frame_ = false;
  int layers_ = kLayersNotGiven;  // one layer, or the stack's own count
};

// JSON run lists are bounded so that no command prints gigabytes by surprise: a run takes about
// 22 bytes at N = 131072, so the default bound is about 370 MB of JSON.
constexpr int64_t kMaxJsonRuns = int64_t{1} << 24;

void attach_max_runs(CLI::App& command, int64_t& max_runs) {
  command.add_option("--max-runs", max_runs,
                     fmt::format("with --json: refuse to list more than this many runs (default {})",
                                 kMaxJsonRuns));
}

// Refuses before anything is printed: a document cut short would be worse than none.
void check_json_runs(const char* command, const Analysis& analysis, int64_t runs, int64_t max_runs) {
  if (runs <= max_runs) return;
  // "[a,b,c]," with numbers up to B·N.
  const int64_t run_bytes = 3 * static_cast<int64_t>(std::to_string(int64_t{analysis.scene.batch} * analysis.n()).size()) + 4;
  throw SceneError(fmt::format(
      "{}: the JSON would list {} runs (about {} MB); raise --max-runs to at least {} to print "
      "them, or choose a smaller --n or --heads",
      command, runs, runs * run_bytes / 1000000, runs));
}

class LeaksCommand final : public SceneCommand {
 public:
  static constexpr int64_t kJsonExplanations = 1000;
  static constexpr int64_t kIndentedLeaks = 4096;
  void attach(CLI::App& app) override {
    attach_scene(app, "leaks", "list every leaking cell with the chain of steps that made it visible");
    command_->add_option("--limit", limit_,
                         "explain at most this many cells (default 64 in text, 1000 in JSON; the "
                         "JSON lists every leak as runs [q, k_from, k_to] in any case)");
    attach_max_runs(*command_, max_runs_);
    attach_stack_layers();
  }
  int run(std::ostream& out, std::ostream& err) override {
    // A stack without --layer: every layer's leaks and how far they travel through the model.
    if (!scene_options_.given("layer"))
      if (const std::optional<StackModel> model = stack(err)) {
        const StackReach reach = stack_reach(*model, scene_options_.analyze_options().memory_budget_bytes, err);
        if (json_) out << stack_reach_json(*model, reach).dump(2) << "\n";
        else stack_reach_text(*model, reach, out);
        return 0;
      }
    const auto result = analysis(false, err);
    if (json_) {
      check_json_runs("leaks", *result, leaks_json_runs(*result), max_runs_);
      // Indented while a reader can follow it; one line when the run lists are long.
      leaks_json(*result, limit_ >= 0 ? limit_ : kJsonExplanations)
          .print(out, result->metrics.total_leaks <= kIndentedLeaks ? 2 : -1);
      out << "\n";
    }
    else leaks_text(*result, limit_ >= 0 ? limit_ : 64, out);
    return 0;
  }

 private:
  int64_t limit_ = -1;
  int64_t max_runs_ = kMaxJsonRuns;
};

class StepsCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "steps", "print the step trace with each position's provenance");
    attach_max_runs(*command_, max_runs_);
  }
  int run(std::ostream& out, std::ostream& err) override {
    const auto result = analysis(false, err);
    if (json_) {
      check_json_runs("steps", *result, steps_json_runs(*result), max_runs_);
      steps_json(*result).print(out);
      out << "\n";
    }
    else steps_text(*result, out);
    return 0;
  }

 private:
  int64_t max_runs_ = kMaxJsonRuns;
};

}  // namespace

std::unique_ptr<Command> command_variants() { return std::make_unique<VariantsCommand>(); }
std::unique_ptr<Command> command_mask() { return std::make_unique<MaskCommand>(); }
std::unique_ptr<Command> command_leaks() { return std::make_unique<LeaksCommand>(); }
std::unique_ptr<Command> command_steps() { return std::make_unique<StepsCommand>(); }

}  // namespace attnscope
