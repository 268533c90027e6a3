#pragma once
// AppState: the one place the GUI keeps its data (the scene being edited, its analysis, the
// step cursor, view options, history, cache and background jobs). Views read it and enqueue
// actions; only apply() and tick() change it, between frames.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/actions.hpp"
#include "app/gui/analysis_derived.hpp"
#include "app/gui/lesson.hpp"
#include "app/gui/presets.hpp"
#include "app/gui/settings.hpp"
#include "core/analysis/stack_model.hpp"
#include "core/analysis/audit_analysis.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/presentation/weight_scale.hpp"
#include "core/torch/lab_run.hpp"

namespace attnscope {

struct ViewOptions {
  bool leak_marks = true;
  ColorBy color_by = ColorBy::Token;
  Coords coords = Coords::Original;
  ColormapName colormap = ColormapName::Viridis;
  ThemeName desk_theme = ThemeName::Light;  // light or dark; classroom mode overrides it
  ThemeName classroom_theme = ThemeName::HighContrast;  // high-contrast (a dark room) or bright (a lit one)
  bool classroom = false;
  bool fullscreen = false;
  bool compare = false;
  bool cost = false;  // the cost panel in place of the heatmaps
  int cost_page = 0;  // on a projector: the page of its table on screen (clamped when drawn)
  bool lab = false;   // the Lab panel in place of the heatmaps
  bool stack_reach = false;  // a model stack: the receptive field after the current layer in place of the heatmaps
  std::vector<std::string> compare_variants;  // 2-4 including the scene's own variant
  int compare_head = -1;  // the head the compare view shows; -1: the focused head, else the last
  // Heatmap zoom (>= 1) and the top-left corner of the visible part, as fractions of the matrix.
  float zoom = 1.f;
  float pan_x = 0.f, pan_y = 0.f;
  ThemeName theme() const { return classroom ? classroom_theme : desk_theme; }
};

// The step cursor. The token grid shows the pose between steps `from` and `step` at `t`
// (t = 1: settled on `step`).
struct Playback {
  int step = 0;
  int from = 0;
  float t = 1.f;
  bool playing = false;
  float speed = 1.f;           // steps per second scale; 1 = one step every kStepSeconds
  float hold = 0.f;            // seconds spent settled on the current step while playing
  std::string breakpoint;      // playing pauses when it reaches this step name
  std::optional<Cell> watch;   // followed through every step by the timeline
};

struct History {
  std::vector<Scene> undo;
  std::vector<Scene> redo;
  static constexpr size_t kLimit = 200;
};

// Recent analyses by scene hash, so undo and compare are instant.
class AnalysisCache {
 public:
  std::shared_ptr<const Analysis> find(uint64_t hash);        // and mark it recently used
  std::shared_ptr<const Analysis> peek(uint64_t hash) const;  // for views, which only read
  void put(uint64_t hash, std::shared_ptr<const Analysis> analysis);
  size_t size() const { return entries_.size(); }
  static constexpr size_t kCapacity = 12;

 private:
  std::list<std::pair<uint64_t, std::shared_ptr<const Analysis>>> entries_;  // most recent first
};

// Shared between the GUI thread and a worker: how far the work is, and whether the user cancelled.
struct JobControl {
  std::atomic<float> done{0.f};  // 0..1
  std::atomic<bool> cancel{false};
  // For the worker's progress callback: records the fraction, throws AnalysisCancelled once asked.
  void report(double fraction);
};

// Background work, each started by an action in apply() and ending in an action that hands its
// result back (jobs_poll, jobs_wait): one list, so the progress bar, Esc and the idle loop cover
// every kind.
enum class JobKind {
  Analysis,        // a scene with N >= async_min_n -> AnalysisReady
  Audit,           // a TorchScript module opened from File > Open -> AnalysisReady
  Export,          // the Export action's figure file -> ShowToast
  ZoomWeights,     // the weights on screen of a zoomed view -> ZoomWeightsReady
  HeatmapWeights,  // one head's weights image of an analysis without values -> HeatmapWeightsReady
  HeatmapImage,    // one head's image at a step of a large analysis -> HeatmapImageReady
  DiffImage,       // the compare view's A-vs-B overlay of a large scene -> DiffImageReady
  TokenBands,      // the token grid's bands of a step of a large analysis -> TokenBandsReady
  Lab,             // the Lab panel's training -> LabReady
  Stack,           // a model stack's layers and receptive field -> StackReady
  Cost,            // the cost panel's table of a large analysis -> CostReady
};

struct Job {
  JobKind kind = JobKind::Analysis;
  std::string what;  // "analysing N = 131,072", "auditing model.pt", "exporting <file>", "weights of head 3"
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::shared_ptr<JobControl> control = std::make_shared<JobControl>();
  std::future<Action> result;
  // What it works on, so the same work is never started twice.
  uint64_t scene_hash = 0;                    // Analysis
  std::shared_ptr<const Analysis> analysis;   // ZoomWeights, HeatmapWeights, HeatmapImage, DiffImage (A), Cost
  std::shared_ptr<const Analysis> analysis_b;  // DiffImage
  ZoomWindow window;                          // ZoomWeights
  HeatmapWeightsKey heatmap;                  // HeatmapWeights
  HeatmapImageKey image;                      // HeatmapImage
  DiffImageKey diff;                          // DiffImage
  int step = 0;                               // TokenBands
  std::string path;                           // Export: the file it writes, a name no other export takes
  uint64_t stack_key = 0;                     // Stack: stack_strip_key of its scene
  int reach_layer = -1;                       // Stack: the layer whose receptive field it keeps
  ThemeName theme = ThemeName::Light;         // Stack: the colours of the field's image
};

// A model stack's layers for the layer strip and the receptive-field view, built once per model
// (not per layer shown) from the core's stack_model: every layer's union-over-heads mask and leak
// count, and the receptive field through the layers (reach_through_stack).
struct StackStrip {
  uint64_t key = 0;  // stack_strip_key of the scenes it belongs to
  std::shared_ptr<const StackModel> model;
  std::vector<std::shared_ptr<const RowRuns>> unions;  // per layer (equal layers share one)
  std::vector<std::shared_ptr<const RowRuns>> leak_unions;  // per layer, its heads' leak cells
  std::shared_ptr<const StackReach> reach;             // through every layer
  int reach_layer = -1;  // the layer whose sets reach->sets holds; -1: none asked for
  // reach->sets as the view draws them (the theme's axis colour on its masked one), built with
  // the field so no frame builds it; null without a field.
  std::shared_ptr<const RgbaImage> reach_image;
  ThemeName reach_theme = ThemeName::Light;
  int layers() const { return model ? model->layers() : 0; }
};
// Equal for every layer of one model at one size: which strip a scene's layers share.
uint64_t stack_strip_key(const Scene& scene);

// The weights of a zoomed view of an analysis that holds none: computed by a job for the
// window on screen (rounded out, so small pans need no new window), one window per head.
struct ZoomWeights {
  std::shared_ptr<const Analysis> analysis;
  ZoomWindow window;
  std::shared_ptr<const ValuesWindow> values;  // null: not computed, `error` says why (e.g. cancelled)
  std::string error;
};

// One head's weights image of an analysis without stored values (heatmap_image_build), for the
// painter to upload in place of the allowed cells; kept while the analysis is shown.
struct HeatmapWeights {
  std::shared_ptr<const Analysis> analysis;
  HeatmapWeightsKey key;
  std::shared_ptr<const HeatmapImage> image;  // null: not computed, `error` says why (e.g. cancelled)
  std::string error;
};

// One head's image at a step of a large analysis (heatmap_image_build on a worker), for the
// painter to upload; kept while the analysis is shown, so revisiting a step costs no build.
struct HeatmapStepImage {
  std::shared_ptr<const Analysis> analysis;
  HeatmapImageKey key;
  std::shared_ptr<const HeatmapImage> image;  // null: not built, `error` says why (e.g. cancelled)
  std::string error;
};

// The compare view's A-vs-B overlay of one head of a large scene (diff_overlay on a worker), for the
// view's legend and the painter to upload; kept while both analyses are shown.
struct CompareDiff {
  std::shared_ptr<const Analysis> a, b;
  DiffImageKey key;
  std::shared_ptr<const DiffOverlay> overlay;  // null: not built, `error` says why (e.g. cancelled)
  std::string error;
};

// The token grid's bands of one step of a large analysis, found once by a job.
struct StepBandsOf {
  std::shared_ptr<const Analysis> analysis;
  int step = 0;
  std::shared_ptr<const StepBands> bands;  // null: not found, `error` says why (e.g. cancelled)
  std::string error;
};

// A training's curve points as the worker measures them; tick() copies them for the live curves.
struct LabLive {
  std::mutex mutex;
  std::vector<LabCurvePoint> points;
};

// The temporary model files the Lab panel's trainings wrote. A file goes when no scene reads it
// any more (lab_ready prunes) and every one goes with the last state holding them: at exit.
class LabModelFiles {
 public:
  LabModelFiles() = default;
  LabModelFiles(const LabModelFiles&) = delete;
  LabModelFiles& operator=(const LabModelFiles&) = delete;
  ~LabModelFiles();
  void add(const std::string& path) { paths_.push_back(path); }
  // Removes the files `needed` says nothing reads any more.
  void prune(const std::function<bool(const std::string&)>& needed);
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::vector<std::string> paths_;
};

// The Lab panel: its settings, the running training's live points, the last result.
struct LabPanel {
  LabSettings settings;  // the command line's defaults
  uint64_t run = 0;      // bumped by every training; results of older ones are dropped
  std::shared_ptr<LabLive> live;          // of the running training, else null
  std::vector<LabCurvePoint> points;      // live while training, then the result's curves
  std::shared_ptr<const LabResult> result;  // the last finished training
  Scene trained;            // the scene `result` was trained under
  std::string model_path;   // its model and learned q, k, v (a temporary .safetensors)
  std::shared_ptr<LabModelFiles> model_files = std::make_shared<LabModelFiles>();
  std::string error;        // why the last training has no result (refused, diverged, cancelled)
  int layer = 0;            // the layer "Open the learned attention" opens
  std::chrono::steady_clock::time_point started;  // of the running training: its steps per second
};

// File > Open: one folder's sub-folders and the files the filter lets through, listed by apply().
struct FileBrowser {
  struct Entry {
    std::string name;
    bool folder = false;
  };
  bool open = false;
  std::string folder;           // absolute
  std::string filter;           // an extension (".json", ".npy", ".pt") or empty: every openable file
  std::vector<Entry> entries;   // folders first, then files, each by name
  std::string error;            // why the folder could not be listed
};

// A short message over the views (an export's full path, or why it failed); it fades by itself.
struct Toast {
  std::string text;
  bool error = false;
  std::chrono::steady_clock::time_point until;
  double seconds_left() const {
    return std::chrono::duration<double>(until - std::chrono::steady_clock::now()).count();
  }
};

struct AppState {
  Scene scene;  // what the user edits; may be invalid (then `error` says why)
  std::shared_ptr<const Analysis> analysis;  // the last good analysis
  std::shared_ptr<const Lesson> lesson;       // of `analysis`: cost and the next-token reach
  std::string error;                          // the core's message for the current scene
  WeightScale weight_scale;                   // of `analysis`: the legend, heatmaps and compare
  float score_scale = 1.f;                    // of `analysis`: the largest |score| (score steps)
  uint64_t generation = 0;                    // bumped by every scene change
  Playback play;
  ViewOptions view;
  History history;
  AnalysisCache cache;
  std::vector<Job> jobs;                        // every running job, in the order they started
  std::vector<ZoomWeights> zoom_weights;        // of `analysis`, at most one per head
  std::vector<HeatmapWeights> heatmap_weights;  // of the analyses on screen, one per head and key
  std::vector<HeatmapStepImage> heatmap_images;  // of the analyses on screen, one per key
  std::vector<StepBandsOf> token_bands;          // of `analysis`, one per step visited
  std::vector<CompareDiff> diff_images;          // of the compare view's analyses, one per key
  // Of the analyses jobs found last (compared variants too) and installed last (the current one
  // too), as many as the cache holds, so installing one again (undo, a compared variant made the
  // scene's) finds them without a frame computing them.
  std::vector<std::pair<std::shared_ptr<const Analysis>, std::shared_ptr<const AnalysisDerived>>> derived;
  std::string cost_error;  // why the cost panel has no table (its job was cancelled)
  std::vector<std::string> compare_errors;  // per compare variant, empty when fine
  std::optional<Cell> hover;
  std::optional<Cell> pinned;
  std::vector<Preset> presets;
  RecentFiles recent;       // File > Open recent; remembered in the settings
  FileBrowser browser;
  std::string export_folder;  // where Export writes; empty: the folder attnscope started in
  std::optional<Toast> toast;
  // Of `analysis`, per step: its caption, why-line and terms (core/presentation/step_caption).
  std::vector<StepText> step_texts;
  // The scene fields (scene_field_names) that hold the value the core refused.
  std::vector<std::string> error_fields;
  // Scenes with at least this many tokens are analysed on a worker thread.
  int async_min_n = 1024;
  // --max-memory: a scene's analysis keeps its values when they fit, else its structure alone.
  int64_t memory_budget_bytes = int64_t{1} << 30;
  ModuleAuditor audit_module;  // File > Open of a TorchScript module; empty: modules cannot open
  LabTrainer lab_trainer;      // the Lab panel's training; empty: this build cannot train
  LabPanel lab;
  std::shared_ptr<const StackStrip> stack;  // of the scene's model stack; null without one (or while built)
  std::string stack_error;                  // why the strip has no model (too large, cancelled)
  TokenText token_text;        // the user's text of each token; shown while it has one per token
  static constexpr int kTokenLabelChars = 10;  // the longest token text on an axis
  int token_text_widest = 0;  // characters of the widest axis label of `token_text`

  const Step* current_step() const;
  // What step `index` shows under its title (null when there is no such step).
  const StepText* step_text(int index) const;
  std::string step_caption_text(int index) const;
  // Stored weights of `analysis` that cover `window`, or null.
  const ZoomWeights* zoom_weights_covering(const ZoomWindow& window) const;
  bool zoom_weights_pending(const ZoomWindow& window) const;  // a job of `analysis` covers it
  const HeatmapWeights* heatmap_weights_of(const Analysis* of, const HeatmapWeightsKey& key) const;
  bool heatmap_weights_pending(const Analysis* of, const HeatmapWeightsKey& key) const;
  const HeatmapStepImage* heatmap_image_of(const Analysis* of, const HeatmapImageKey& key) const;
  const Job* heatmap_image_job(const Analysis* of, const HeatmapImageKey& key) const;  // building it, or null
  const CompareDiff* diff_image_of(const Analysis* a, const Analysis* b, const DiffImageKey& key) const;
  const Job* diff_image_job(const Analysis* a, const Analysis* b, const DiffImageKey& key) const;  // building it, or null
  const StepBandsOf* token_bands_of(int step) const;  // of `analysis`
  const Job* token_bands_job(int step) const;         // finding them, or null
  bool jobs_running(JobKind kind) const;
  // The hovered cell, else the pinned one.
  std::optional<Cell> focus() const { return hover ? hover : pinned; }
  // Whether the user's token text labels the views: it has one token per token of the analysis.
  bool token_text_on() const;
  // Token `t`'s text as labels show it (at most `max_chars` characters), or "" without token text.
  std::string token_label(int t, int max_chars = 12) const;
};

uint64_t scene_hash(const Scene& scene);

}  // namespace attnscope
