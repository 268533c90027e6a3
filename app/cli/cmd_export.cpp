// export: writes a figure of the scene (PNG, SVG, PDF or animated GIF), or redraws the figure a
// file embeds (--from), through the same core code the GUI's Export action calls.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/cli/audit_measure.hpp"
#include "app/cli/commands.hpp"
#include "core/analysis/audit_analysis.hpp"
#include "core/analysis/lab.hpp"
#include "core/analysis/values_window.hpp"
#include "core/base/input_error.hpp"
#include "core/base/progress_scope.hpp"
#include "core/figure/figure.hpp"

namespace attnscope {

namespace {

class ExportCommand final : public SceneCommand {
 public:
  void attach(CLI::App& app) override {
    attach_scene(app, "export", "write a figure: heatmap, steps, compare or tokens as PNG, SVG, PDF or GIF");
    own("--out", command_->add_option("--out", out_, "file to write (replaced atomically)")->required());
    own("--view", command_->add_option("--view", view_, "heatmap, steps, compare, tokens, cost, symmetry, wrapped, next-token, stack, lesson (a 16:9 slide deck: one PDF, or one PNG per page) or lab; default heatmap"));
    own("--format", command_->add_option("--format", format_, "png, svg, pdf or gif; default from --out's extension"));
    own("--size", command_->add_option("--size", size_, "single (3.5 in), double (7 in) or slide (16:9 at 1920 x 1080; steps and compare: one page per slide); default double"));
    own("--dpi", command_->add_option("--dpi", dpi_, "PNG/GIF pixels per inch; default 200 (PNG), 96 (GIF)"));
    own("--colormap", command_->add_option("--colormap", colormap_, "viridis, magma or cividis; default viridis"));
    own("--theme", command_->add_option("--theme", theme_, "light, dark, high-contrast or bright; default light"));
    // --heads is the scene's head count, so the heads to draw are chosen with --head.
    own("--head", command_->add_option("--head", head_, "heads to draw, e.g. 0,1; default all"));
    attach_stack_layers();
    own("--mask", command_->add_flag("--mask", mask_, "draw the binary mask instead of the attention weights"));
    own("--step", command_->add_option("--step", step_, "tokens view: the step's tokens; heatmap view: what the step has computed (scores, masked scores, weights), as the GUI shows it; index or name ('attnscope steps')"));
    own("--query", command_->add_option("--query", query_, "heatmap at a routed variant's selection step (moba, nsa, dsa): the query whose scores, forced blocks or keys, winners and guard are drawn over its row; default the last"));
    own("--sequence", command_->add_option("--sequence", sequence_, "which sequence of the batch; default 0"));
    own("--caption", command_->add_option("--caption", caption_, "caption under the figure; default the scene's"));
    own("--frame-ms", command_->add_option("--frame-ms", frame_ms_, "GIF: milliseconds per step; default 800"));
    own("--hold-ms", command_->add_option("--hold-ms", hold_ms_, "GIF: milliseconds on key steps; default 2400"));
    own("--tween", command_->add_option("--tween", tween_, "GIF: in-between frames where tokens move; default 4, 0 for none"));
    own("--rows", command_->add_option("--rows", rows_, "heatmap: only queries first:end, e.g. 65536:65600 (weights computed for them alone)"));
    own("--keys", command_->add_option("--keys", keys_, "heatmap: only keys first:end, e.g. 49152:49216"));
    own("--tokens", command_->add_option("--tokens", tokens_,
                                         "heatmap and compare: each token's text beside its number, from a JSON list "
                                         "of strings or a file of one token per line"));
    own("--from", command_->add_option("--from", from_, "redraw the figure embedded in a file written by export"));
    command_->add_option("--audit", audit_,
                         "draw a TorchScript module's dependency maps and steps ('attnscope audit')");
    command_->add_option("--inputs", inputs_, "with --audit: forward's arguments, qkv, q,k,v or x");
    command_->add_option("--lab-result", lab_result_,
                         "with --view lab: the JSON of 'attnscope train --json' to draw (loss curves and positions)");
    own("--json", command_->get_option("--json"));
    own("--max-memory", command_->get_option("--max-memory"));
  }

  int run(std::ostream& out, std::ostream& err) override {
    if (view_ == "lab" || !lab_result_.empty()) return run_lab(out);
    Scene scene;
    FigureOptions options;
    if (!from_.empty()) {
      for (const CLI::Option* option : command_->get_options())
        if (option->count() > 0 && !owned_.count(option))
          throw SceneError(fmt::format("from: {} cannot be combined with --from, which redraws the embedded "
                                       "scene; leave the scene flags out",
                                       option->get_name()));
      const FigureSource source = figure_read_source(from_);
      scene = source.scene;
      options = source.options;
    } else {
      scene = SceneCommand::scene();
      // The classroom scene's title and caption explain its own variant; a figure of another
      // variant drawn without --scene must not borrow them.
      const Scene classroom = scene_classroom_default();
      if (scene.variant != classroom.variant && scene.title == classroom.title) scene.title.clear();
      if (scene.variant != classroom.variant && scene.caption == classroom.caption) scene.caption.clear();
    }
    if (!given("--format")) options.format = figure_format_from_path(out_);
    apply(options);
    // An audited module's weights are only a stand-in, so its figures draw the dependency maps.
    if (!audit_.empty()) options.mask_only = true;
    std::shared_ptr<const Analysis> result;
    if (audit_.empty()) {
      AnalyzeOptions analyze_options = progress_attach(scene_options_.analyze_options(), err);
      // A mask figure needs no attention values, and a window computes its own, so both are
      // drawn at any N.
      analyze_options.values = !(options.view == FigureView::Heatmap && (options.mask_only || options.windowed()));
      if (options.windowed() && !options.mask_only) window_check(scene, options, analyze_options.memory_budget_bytes);
      result = analyze(scene, analyze_options);
    } else {
      const AuditOptions audit = audit_options(scene, audit_, inputs_);
      result = audit_analysis(audit_measure(audit, {}, false), audit, scene);
    }
    token_text_check(options.token_text, result->n());
    if ((options.view == FigureView::Tokens || options.view == FigureView::Heatmap) && step_name_given()) options.step = step_index(*result);
    {
      // Drawing a matrix of 10⁹ cells takes seconds: progress, and Ctrl-C before the file is written.
      const ProgressScope progress(progress_callback(err, "drawing"));
      figure_export(*result, options, out_);
    }
    // A deck as PNG is one file per page: name them, so the reader finds them.
    if (figure_is_deck(options) && options.format == FigureFormat::Png && !json_)
      for (const std::string& page : figure_deck_png_paths(*result, options, out_)) out << page << "\n";
    if (json_)
      out << fmt::format(R"({{"out": "{}", "view": "{}", "format": "{}"}})", out_, figure_view_name(options.view),
                         figure_format_name(options.format))
          << "\n";
    return 0;
  }

 private:
  // The lab figure draws a training run's numbers, not a scene: no scene flags apply.
  int run_lab(std::ostream& out) {
    if (view_ != "lab") throw InputError("lab-result: --lab-result is drawn by --view lab; add it");
    if (lab_result_.empty())
      throw InputError("view: the lab figure draws a training run; give --lab-result run.json (from 'attnscope train --json')");
    FigureOptions options;
    options.format = given("--format") ? figure_format_parse(format_) : figure_format_from_path(out_);
    if (given("--size")) options.size = figure_size_parse(size_);
    if (given("--dpi")) options.dpi = dpi_;
    if (given("--theme")) options.theme = theme_parse(theme_);
    if (given("--caption")) options.caption = caption_;
    std::ifstream in(lab_result_);
    if (!in) throw InputError(fmt::format("lab-result: cannot read '{}'", lab_result_));
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
      throw InputError(fmt::format("lab-result: '{}' is not JSON; give the output of 'attnscope train --json'", lab_result_));
    }
    figure_export_lab(lab_result_from_json(j, lab_result_), options, out_);
    if (json_) out << fmt::format(R"({{"out": "{}", "view": "lab", "format": "{}"}})", out_, figure_format_name(options.format)) << "\n";
    return 0;
  }

  void own(const std::string& name, CLI::Option* option) { owned_.insert(option), names_[name] = option; }
  bool given(const std::string& name) const { return names_.at(name)->count() > 0; }

  void apply(FigureOptions& o) const {
    if (given("--format")) o.format = figure_format_parse(format_);
    if (given("--view")) o.view = figure_view_parse(view_);
    if (given("--size")) o.size = figure_size_parse(size_);
    if (given("--dpi")) o.dpi = dpi_;
    if (given("--colormap")) o.colormap = colormap_parse(colormap_);
    if (given("--theme")) o.theme = theme_parse(theme_);
    if (given("--head")) {
      o.heads.clear();
      for (int64_t h : parse_int_list(head_, "head")) o.heads.push_back(static_cast<int>(h));
    }
    if (given("--mask")) o.mask_only = mask_;
    if (given("--sequence")) o.batch = sequence_;
    if (given("--query")) o.query = query_;
    if (given("--caption")) o.caption = caption_;
    if (given("--frame-ms")) o.gif_frame_ms = frame_ms_;
    if (given("--hold-ms")) o.gif_hold_ms = hold_ms_;
    if (given("--tween")) o.gif_tween_frames = tween_;
    if (given("--rows")) o.rows = token_range_parse(rows_, "rows");
    if (given("--keys")) o.keys = token_range_parse(keys_, "keys");
    if (given("--tokens")) o.token_text = token_text_read(tokens_);
    if (o.dpi <= 0 && given("--dpi")) throw SceneError("dpi: give a positive number of pixels per inch");
    if (o.gif_frame_ms < 10 || o.gif_hold_ms < 10)
      throw SceneError("frame-ms: GIF frames last at least 10 ms; use --frame-ms/--hold-ms >= 10");
    if (o.gif_tween_frames < 0 || o.gif_tween_frames > 30)
      throw SceneError("tween: give 0..30 in-between frames");
    if (given("--step") && !step_name_given()) o.step = static_cast<int>(parse_int(step_, "step"));
  }

  // A window's weights are computed per drawn head: refused past the budget before any is.
  static void window_check(const Scene& scene, const FigureOptions& o, int64_t budget) {
    const int64_t rows = o.rows.whole() ? scene.n : o.rows.end - o.rows.begin;
    const int64_t keys = o.keys.whole() ? scene.n : o.keys.end - o.keys.begin;
    const int64_t heads = o.heads.empty() ? scene.heads : static_cast<int64_t>(o.heads.size());
    const int64_t bytes = heads * values_window_bytes(static_cast<int>(std::min<int64_t>(rows, INT32_MAX)),
                                                      static_cast<int>(std::min<int64_t>(keys, INT32_MAX)));
    if (rows * keys > int64_t{1} << 31 || bytes > budget)
      throw SceneError(fmt::format("rows: the weights of {} × {} cells in {} head{} need about {:.1f} GiB "
                                   "(budget {} MiB); draw fewer --rows, --keys or --head, or raise --max-memory",
                                   rows, keys, heads, heads == 1 ? "" : "s", bytes / double(1 << 30),
                                   budget >> 20));
  }

  bool step_name_given() const {
    return given("--step") && !step_.empty() && !(std::isdigit(static_cast<unsigned char>(step_[0])) || step_[0] == '-');
  }

  int step_index(const Analysis& a) const {
    const int k = a.trace().find(step_);
    if (k < 0) throw SceneError(fmt::format("step: this trace has no step '{}'; 'attnscope steps' lists them", step_));
    return k;
  }

  std::string out_, view_, format_, size_, colormap_, theme_, head_, step_, caption_, from_, audit_, inputs_, rows_, keys_,
      tokens_, lab_result_;
  int dpi_ = 0, sequence_ = 0, query_ = -1, frame_ms_ = 800, hold_ms_ = 2400, tween_ = 4;
  bool mask_ = false;
  std::set<const CLI::Option*> owned_;
  std::map<std::string, CLI::Option*> names_;
};

}  // namespace

std::unique_ptr<Command> command_export() { return std::make_unique<ExportCommand>(); }

}  // namespace attnscope
