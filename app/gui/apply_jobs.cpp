// The background jobs for apply(): each kind is started here from its action, runs on a worker
// with a JobControl (its progress, and the cancel that ends it at its next report), and hands its
// result back as an action that jobs_poll / jobs_wait collect.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "app/gui/apply.hpp"
#include "app/gui/apply_parts.hpp"
#include "app/gui/export_figure.hpp"
#include "app/gui/heatmap_image.hpp"
#include "app/gui/stack_strip.hpp"
#include "app/gui/token_bands.hpp"
#include "app/gui/work_timer.hpp"
#include "core/base/digits.hpp"
#include "core/base/progress_scope.hpp"
#include "core/presentation/compare.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

namespace apply_parts {

namespace {

Job job_new(JobKind kind, std::string what) {
  Job job;
  job.kind = kind;
  job.what = std::move(what);
  return job;
}

// The worker's progress reports (ProgressScope) go to the job's control; a cancel before the
// first one stops the job before it starts.
class JobProgress {
 public:
  explicit JobProgress(const std::shared_ptr<JobControl>& control)
      : scope_([control](double fraction) { control->report(fraction); }) {
    control->report(0);
  }

 private:
  ProgressScope scope_;
};

// A view's weights computed on a worker: `compute` fills `ready`; a cancel or a failure leaves
// its reason in `ready.error` instead ("cancelled"), so the view says why rather than asking again.
template <typename Ready, typename Compute>
std::future<Action> weights_job_run(std::shared_ptr<JobControl> control, Ready ready, Compute compute) {
  return std::async(std::launch::async, [control = std::move(control), ready = std::move(ready), compute]() mutable -> Action {
    try {
      const JobProgress progress(control);
      compute(ready);
    } catch (const AnalysisCancelled&) {
      ready.error = "cancelled";
    } catch (const std::exception& e) {
      ready.error = e.what();
    }
    return ready;
  });
}

// Whether the views show `analysis`: the current one, or one of the compare view's.
bool analysis_shown(const AppState& state, const Analysis* analysis) {
  if (analysis == nullptr) return false;
  if (analysis == state.analysis.get()) return true;
  if (!state.view.compare) return false;
  return std::any_of(state.view.compare_variants.begin(), state.view.compare_variants.end(), [&](const std::string& v) {
    return state.cache.peek(scene_hash(compare_scene(state.scene, v))).get() == analysis;
  });
}

bool analysis_running(const AppState& state, uint64_t hash) {
  return std::any_of(state.jobs.begin(), state.jobs.end(),
                     [&](const Job& job) { return job.kind == JobKind::Analysis && job.scene_hash == hash; });
}

}  // namespace

std::string analysis_request(AppState& state, const Scene& scene, bool current) {
  const uint64_t hash = scene_hash(scene);
  if (auto cached = state.cache.find(hash)) {
    if (current) install(state, cached);
    return {};
  }
  if (scene.n >= state.async_min_n) {
    // Checked here too, so a bad large scene is reported at once rather than by the job.
    try {
      scene_validate(scene);
    } catch (const InputError& e) {
      return e.what();
    }
    if (analysis_running(state, hash)) return {};
    Job job = job_new(JobKind::Analysis, "analysing N = " + digits_grouped(scene.n));
    job.scene_hash = hash;
    job.result = std::async(std::launch::async, [scene, generation = state.generation, hash,
                                                 budget = state.memory_budget_bytes, current,
                                                 with_cost = state.view.cost, control = job.control]() -> Action {
      action::AnalysisReady ready{generation, hash, nullptr, {}, {}};
      AnalyzeOptions options;
      options.memory_budget_bytes = budget;
      options.progress = [control](double fraction) { control->report(fraction); };
      options.scene_validated = true;  // above, before the job started
      try {
        control->report(0);
        ready.analysis = analyze_for_view(scene, options);
        // What installing it needs, found here so the frame that installs it only swaps pointers: a
        // compared variant's too, since the user may make it the scene's own.
        ready.derived = std::make_shared<const AnalysisDerived>(analysis_derived(*ready.analysis, current && with_cost));
      } catch (const AnalysisCancelled&) {
        ready.error = "analysis cancelled; change the scene to analyse again";
      } catch (const std::exception& e) {
        ready.error = e.what();
      }
      return ready;
    });
    state.jobs.push_back(std::move(job));
    return {};
  }
  try {
    AnalyzeOptions options;
    options.memory_budget_bytes = state.memory_budget_bytes;
    std::shared_ptr<const Analysis> analysis;
    {
      const WorkTimer timer("small scene analysed in the frame");
      analysis = analyze_for_view(scene, options);
    }
    state.cache.put(hash, analysis);
    if (current) install(state, analysis);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

// A module's audit runs LibTorch in a child process for seconds, at the current scene's sizes.
void audit_start(AppState& state, const std::string& path, const std::string& mask_error) {
  const std::string name = std::filesystem::path(path).filename().string();
  Job job = job_new(JobKind::Audit, "auditing " + name);
  job.result = std::async(std::launch::async, [audit = state.audit_module, sizes = state.scene, path, mask_error,
                                               generation = state.generation, control = job.control]() -> Action {
    action::AnalysisReady ready{generation, 0, nullptr, {}, path};
    try {
      control->report(0);
      ready.analysis = audit(sizes, path, [control](double fraction) { control->report(fraction); });
      ready.scene_hash = scene_hash(ready.analysis->scene);
    } catch (const AnalysisCancelled&) {
      ready.error = "the audit was cancelled";
    } catch (const std::exception& e) {
      // In the panel's words: the flags the core suggests become the fields to change.
      std::vector<std::string> fields;
      ready.error = fmt::format("{}; not a module ({})", mask_error, gui_error_text(e.what(), fields));
      if (const std::string note = audit_sizes_note(sizes, fields); !note.empty()) ready.error += "; " + note;
    }
    return ready;
  });
  state.jobs.push_back(std::move(job));
  attnscope::apply(state, action::ShowToast{"auditing " + name + ": each token's dependencies are measured with LibTorch"});
}

// Exports run side by side: each takes a name no file and no running export has, from the
// state as it is now (the step, the view, the analyses on screen).
void export_start(AppState& state) {
  auto request = export_request(state);
  if (auto* refused = std::get_if<action::ShowToast>(&request)) {
    attnscope::apply(state, *refused);
    return;
  }
  ExportRequest& r = std::get<ExportRequest>(request);
  Job job = job_new(JobKind::Export, "exporting " + std::filesystem::path(r.path).filename().string());
  job.path = r.path;
  job.result = std::async(std::launch::async, [r = std::move(r), control = job.control]() -> Action {
    return export_run(r, [control](double fraction) { control->report(fraction); });
  });
  state.jobs.push_back(std::move(job));
}

void zoom_weights_start(AppState& state, const ZoomWindow& window) {
  if (!state.analysis || state.analysis->has_values() || window.head < 0 || window.head >= state.analysis->heads() ||
      state.zoom_weights_covering(window) || state.zoom_weights_pending(window))
    return;
  Job job = job_new(JobKind::ZoomWeights, fmt::format("weights on screen, head {}", window.head));
  job.analysis = state.analysis;
  job.window = window;
  job.result = weights_job_run(job.control, action::ZoomWeightsReady{state.analysis, window, nullptr, {}},
                               [](action::ZoomWeightsReady& ready) {
                                 const ZoomWindow& w = ready.window;
                                 ready.values = std::make_shared<ValuesWindow>(values_window(
                                     *ready.analysis, 0, w.head, w.row_begin, w.row_end, w.key_begin, w.key_end));
                               });
  state.jobs.push_back(std::move(job));
}

void zoom_weights_store(AppState& state, const action::ZoomWeightsReady& a) {
  if (a.analysis != state.analysis) return;  // stale
  // A failed or cancelled window is kept too, so the view says so rather than asking again.
  std::erase_if(state.zoom_weights, [&](const ZoomWeights& z) { return z.window.head == a.window.head; });
  state.zoom_weights.push_back({a.analysis, a.window, a.values, a.error});
}

void heatmap_weights_start(AppState& state, const action::ComputeHeatmapWeights& a) {
  const Analysis* analysis = a.analysis.get();
  if (!analysis_shown(state, analysis) || !heatmap_image_streams_weights(*analysis, StepCells::Weights) ||
      a.key.head < 0 || a.key.head >= analysis->heads() || state.heatmap_weights_of(analysis, a.key) ||
      state.heatmap_weights_pending(analysis, a.key))
    return;
  const std::string of = analysis == state.analysis.get() ? "" : " of " + analysis->scene.variant;
  Job job = job_new(JobKind::HeatmapWeights, fmt::format("weights of head {}{}", a.key.head, of));
  job.analysis = a.analysis;
  job.heatmap = a.key;
  job.result = weights_job_run(job.control, action::HeatmapWeightsReady{a.analysis, a.key, nullptr, {}},
                               [](action::HeatmapWeightsReady& ready) {
                                 const HeatmapWeightsKey& key = ready.key;
                                 ready.image = std::make_shared<const HeatmapImage>(heatmap_image_build(
                                     *ready.analysis, key.head, key.coords, key.vmax, kMaxHeatmapTexels,
                                     StepCells::Weights));
                               });
  state.jobs.push_back(std::move(job));
}

void heatmap_weights_store(AppState& state, const action::HeatmapWeightsReady& a) {
  if (!analysis_shown(state, a.analysis.get())) return;  // its analysis was replaced meanwhile
  std::erase_if(state.heatmap_weights, [&](const HeatmapWeights& h) { return h.analysis == a.analysis && h.key == a.key; });
  state.heatmap_weights.push_back({a.analysis, a.key, a.image, a.error});
}

void heatmap_image_start(AppState& state, const action::ComputeHeatmapImage& a) {
  const Analysis* analysis = a.analysis.get();
  if (!analysis_shown(state, analysis) || a.key.head < 0 || a.key.head >= analysis->heads() ||
      state.heatmap_image_of(analysis, a.key) || state.heatmap_image_job(analysis, a.key))
    return;
  const std::string of = analysis == state.analysis.get() ? "" : " of " + analysis->scene.variant;
  Job job = job_new(JobKind::HeatmapImage, fmt::format("image of head {}{}", a.key.head, of));
  job.analysis = a.analysis;
  job.image = a.key;
  job.result = weights_job_run(job.control, action::HeatmapImageReady{a.analysis, a.key, nullptr, {}},
                               [](action::HeatmapImageReady& ready) {
                                 const HeatmapImageKey& key = ready.key;
                                 HeatmapImage image = heatmap_image_build(*ready.analysis, key.head, key.coords, key.vmax,
                                                                          kMaxHeatmapTexels, key.cells, key.smax, false);
                                 image.outlines = std::make_shared<const GroupOutlines>(
                                     group_outlines(*ready.analysis, key.head, key.coords));
                                 ready.image = std::make_shared<const HeatmapImage>(std::move(image));
                               });
  state.jobs.push_back(std::move(job));
}

void heatmap_image_store(AppState& state, const action::HeatmapImageReady& a) {
  if (!analysis_shown(state, a.analysis.get())) return;  // its analysis was replaced meanwhile
  std::erase_if(state.heatmap_images, [&](const HeatmapStepImage& h) { return h.analysis == a.analysis && h.key == a.key; });
  state.heatmap_images.push_back({a.analysis, a.key, a.image, a.error});
  // Two steps of eight heads at 32 MB each are kept; an older one is built again when revisited.
  constexpr size_t kKept = 16;
  if (state.heatmap_images.size() > kKept)
    state.heatmap_images.erase(state.heatmap_images.begin(),
                               state.heatmap_images.end() - static_cast<std::ptrdiff_t>(kKept));
}

void diff_image_start(AppState& state, const action::ComputeDiffImage& a) {
  if (!analysis_shown(state, a.a.get()) || !analysis_shown(state, a.b.get()) || a.key.head < 0 ||
      a.key.head >= std::min(a.a->heads(), a.b->heads()) || a.a->n() != a.b->n() ||
      state.diff_image_of(a.a.get(), a.b.get(), a.key) || state.diff_image_job(a.a.get(), a.b.get(), a.key))
    return;
  Job job = job_new(JobKind::DiffImage, fmt::format("{} vs {}, head {}", a.a->scene.variant, a.b->scene.variant, a.key.head));
  job.analysis = a.a;
  job.analysis_b = a.b;
  job.diff = a.key;
  job.result = weights_job_run(job.control, action::DiffImageReady{a.a, a.b, a.key, nullptr, {}},
                               [](action::DiffImageReady& ready) {
                                 const int head = ready.key.head;
                                 ready.overlay = std::make_shared<const DiffOverlay>(diff_overlay(
                                     ready.a->mask(head), ready.b->mask(head), theme_get(ready.key.theme).masked));
                               });
  state.jobs.push_back(std::move(job));
}

void diff_image_store(AppState& state, const action::DiffImageReady& a) {
  if (!analysis_shown(state, a.a.get()) || !analysis_shown(state, a.b.get())) return;  // replaced meanwhile
  std::erase_if(state.diff_images, [&](const CompareDiff& d) { return d.a == a.a && d.b == a.b && d.key == a.key; });
  state.diff_images.push_back({a.a, a.b, a.key, a.overlay, a.error});
  // A few heads' overlays at 16 MB each; an older one is built again when asked for.
  constexpr size_t kKept = 4;
  if (state.diff_images.size() > kKept)
    state.diff_images.erase(state.diff_images.begin(), state.diff_images.end() - static_cast<std::ptrdiff_t>(kKept));
}

void token_bands_start(AppState& state, const action::ComputeTokenBands& a) {
  if (a.analysis != state.analysis || a.step < 0 || a.step >= static_cast<int>(a.analysis->trace().steps.size()) ||
      state.token_bands_of(a.step) || state.token_bands_job(a.step))
    return;
  Job job = job_new(JobKind::TokenBands, fmt::format("token grid of step {}", a.step));
  job.analysis = a.analysis;
  job.step = a.step;
  job.result = weights_job_run(job.control, action::TokenBandsReady{a.analysis, a.step, nullptr, {}},
                               [](action::TokenBandsReady& ready) {
                                 ready.bands = std::make_shared<const StepBands>(
                                     step_token_bands(*ready.analysis, ready.analysis->trace().steps[ready.step]));
                               });
  state.jobs.push_back(std::move(job));
}

void token_bands_store(AppState& state, const action::TokenBandsReady& a) {
  if (a.analysis != state.analysis) return;  // replaced meanwhile
  std::erase_if(state.token_bands, [&](const StepBandsOf& b) { return b.step == a.step; });
  state.token_bands.push_back({a.analysis, a.step, a.bands, a.error});
}

void cost_request(AppState& state) {
  const std::shared_ptr<const Analysis>& analysis = state.analysis;
  if (!state.view.cost || !analysis || (state.lesson && state.lesson->cost)) return;
  if (std::any_of(state.jobs.begin(), state.jobs.end(),
                  [&](const Job& job) { return job.kind == JobKind::Cost && job.analysis == analysis; }))
    return;
  state.cost_error.clear();
  if (analysis->n() < state.async_min_n) {
    std::shared_ptr<const Lesson> lesson;
    {
      const WorkTimer timer("cost table built in the frame");
      lesson = lesson_compute(*analysis, true);
    }
    cost_store(state, {analysis, lesson, {}});
    return;
  }
  Job job = job_new(JobKind::Cost, "cost of every variant");
  job.analysis = analysis;
  job.result = weights_job_run(job.control, action::CostReady{analysis, nullptr, {}},
                               [](action::CostReady& ready) { ready.lesson = lesson_compute(*ready.analysis, true); });
  state.jobs.push_back(std::move(job));
}

void cost_store(AppState& state, const action::CostReady& a) {
  if (a.analysis != state.analysis) return;  // replaced meanwhile
  if (!a.lesson) {
    state.cost_error = a.error;
    return;
  }
  state.lesson = a.lesson;
  // Kept with the analysis's texts, so going back to it shows the table at once.
  if (auto derived = derived_of(state, a.analysis.get())) {
    auto with_cost = std::make_shared<AnalysisDerived>(*derived);
    with_cost->lesson = a.lesson;
    derived_store(state, a.analysis, std::move(with_cost));
  }
}

void stack_strip_start(AppState& state, uint64_t key, int reach_layer, ThemeName theme) {
  Job job = job_new(JobKind::Stack, reach_layer < 0 ? fmt::format("the model's {} layers", scene_stack(state.scene).layers)
                                                     : fmt::format("receptive field after layer {}", reach_layer));
  job.stack_key = key;
  job.reach_layer = reach_layer;
  job.theme = theme;
  job.result = std::async(std::launch::async, [scene = state.scene, have = state.stack, key, reach_layer, theme,
                                               control = job.control]() -> Action {
    action::StackReady ready{key, reach_layer, theme, nullptr, {}};
    try {
      control->report(0);
      ready.strip = std::make_shared<const StackStrip>(stack_strip_build(
          scene, have.get(), reach_layer, theme, [&](double fraction) { control->report(fraction); }));
    } catch (const AnalysisCancelled&) {
      ready.error = "cancelled; pick the layer again to compute it";
    } catch (const std::exception& e) {
      ready.error = e.what();
    }
    return ready;
  });
  state.jobs.push_back(std::move(job));
}

void jobs_cancel(AppState& state) {
  for (const Job& job : state.jobs) job.control->cancel = true;
}

void weights_prune(AppState& state) {
  std::erase_if(state.zoom_weights, [&](const ZoomWeights& z) { return z.analysis != state.analysis; });
  std::erase_if(state.heatmap_weights, [&](const HeatmapWeights& h) { return !analysis_shown(state, h.analysis.get()); });
  std::erase_if(state.heatmap_images, [&](const HeatmapStepImage& h) { return !analysis_shown(state, h.analysis.get()); });
  std::erase_if(state.token_bands, [&](const StepBandsOf& b) { return b.analysis != state.analysis; });
  std::erase_if(state.diff_images, [&](const CompareDiff& d) {
    return !analysis_shown(state, d.a.get()) || !analysis_shown(state, d.b.get());
  });
  for (const Job& job : state.jobs)
    if (((job.kind == JobKind::ZoomWeights || job.kind == JobKind::TokenBands || job.kind == JobKind::Cost) &&
         job.analysis != state.analysis) ||
        ((job.kind == JobKind::HeatmapWeights || job.kind == JobKind::HeatmapImage || job.kind == JobKind::DiffImage) &&
         !analysis_shown(state, job.analysis.get())) ||
        (job.kind == JobKind::DiffImage && !analysis_shown(state, job.analysis_b.get())))
      job.control->cancel = true;
}

}  // namespace apply_parts

namespace {

std::vector<Action> collect(AppState& state, bool wait) {
  std::vector<Action> ready;
  for (auto it = state.jobs.begin(); it != state.jobs.end();) {
    if (wait || it->result.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      ready.push_back(it->result.get());
      it = state.jobs.erase(it);
    } else {
      ++it;
    }
  }
  return ready;
}

}  // namespace

std::vector<Action> jobs_poll(AppState& state) { return collect(state, false); }
std::vector<Action> jobs_wait(AppState& state) { return collect(state, true); }

void jobs_stop(AppState& state) {
  apply_parts::jobs_cancel(state);
  for (const Action& a : jobs_wait(state))
    if (const auto* ready = std::get_if<action::LabReady>(&a); ready && !ready->model_path.empty()) {
      std::error_code ec;  // never written (cancelled in time): nothing to remove
      std::filesystem::remove(ready->model_path, ec);
    }
}

}  // namespace attnscope
