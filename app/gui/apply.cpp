#include "app/gui/apply.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "app/gui/file_browser.hpp"
#include "app/gui/heatmap_image.hpp"
#include "core/masks/user_mask.hpp"
#include "core/presentation/compare.hpp"
#include "core/presentation/digits.hpp"
#include "core/presentation/step_caption.hpp"

namespace attnscope {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

int step_count(const AppState& state) {
  return state.analysis ? static_cast<int>(state.analysis->trace().steps.size()) : 0;
}

void step_to(AppState& state, int step, bool animate) {
  const int count = step_count(state);
  if (count == 0) return;
  step = std::clamp(step, 0, count - 1);
  if (step == state.play.step && state.play.t >= 1.f) return;
  state.play.from = animate ? state.play.step : step;
  state.play.step = step;
  state.play.t = animate ? 0.f : 1.f;
  state.play.hold = 0.f;
}

bool cell_fits(const std::optional<Cell>& cell, const Analysis& a) {
  return cell && cell->head >= 0 && cell->q >= 0 && cell->k >= 0 && cell->head < a.heads() &&
         cell->q < a.n() && cell->k < a.n();
}

// Views index heatmaps with these cells: one outside the scene means nothing is focused.
std::optional<Cell> cell_inside(const std::optional<Cell>& cell, const AppState& state) {
  return state.analysis && cell_fits(cell, *state.analysis) ? cell : std::nullopt;
}

void install(AppState& state, std::shared_ptr<const Analysis> analysis) {
  // Keep the learner on the same step name when an edit keeps the trace's shape (e.g. N changes).
  std::string step_name;
  if (const Step* step = state.current_step()) step_name = step->name;
  state.analysis = std::move(analysis);
  state.weight_scale = analysis_weight_scale(*state.analysis);
  state.lesson = lesson_compute(*state.analysis, state.view.cost);
  state.score_scale = analysis_score_scale(*state.analysis);
  state.error.clear();
  state.error_fields.clear();
  state.step_texts.clear();
  for (int i = 0; i < step_count(state); ++i) state.step_texts.push_back(step_text(*state.analysis, i));
  const int found = state.analysis->trace().find(step_name);
  const int step = found >= 0 ? found : std::min(state.play.step, step_count(state) - 1);
  state.play.step = state.play.from = std::max(step, 0);
  state.play.t = 1.f;
  if (!cell_fits(state.hover, *state.analysis)) state.hover.reset();
  if (!cell_fits(state.pinned, *state.analysis)) state.pinned.reset();
  if (!cell_fits(state.play.watch, *state.analysis)) state.play.watch.reset();
  // A smaller scene allows less zoom; the pan must stay inside the matrix it now shows.
  state.view.zoom = std::min(state.view.zoom, std::max(1.f, state.analysis->n() / 4.f));
  const float pan_limit = 1.f - 1.f / state.view.zoom;
  state.view.pan_x = std::min(state.view.pan_x, pan_limit);
  state.view.pan_y = std::min(state.view.pan_y, pan_limit);
}

bool job_running(const AppState& state, uint64_t hash) {
  return std::any_of(state.jobs.begin(), state.jobs.end(),
                     [&](const AnalysisJob& job) { return job.scene_hash == hash; });
}

// Cached, computed now, or started on a worker. Returns the InputError message of an invalid
// scene. `current` scenes are installed as the state's analysis when ready.
std::string request_analysis(AppState& state, const Scene& scene, bool current) {
  const uint64_t hash = scene_hash(scene);
  if (auto cached = state.cache.find(hash)) {
    if (current) install(state, cached);
    return {};
  }
  if (scene.n >= state.async_min_n) {
    // Checked here too, so a bad large scene is reported at once rather than by the worker.
    try {
      scene_validate(scene);
    } catch (const InputError& e) {
      return e.what();
    }
    if (job_running(state, hash)) return {};
    AnalysisJob job;
    job.generation = state.generation;
    job.scene_hash = hash;
    job.n = scene.n;
    job.what = "analysing N = " + digits_grouped(scene.n);
    job.started = std::chrono::steady_clock::now();
    job.result = std::async(std::launch::async, [scene, generation = state.generation, hash, control = job.control] {
      action::AnalysisReady ready{generation, hash, nullptr, {}, {}};
      AnalyzeOptions options;
      options.progress = [control](double fraction) { control->report(fraction); };
      options.scene_validated = true;  // above, before the worker started
      try {
        ready.analysis = analyze_for_view(scene, options);
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
    auto analysis = analyze_for_view(scene);
    state.cache.put(hash, analysis);
    if (current) install(state, analysis);
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

void request_compare(AppState& state) {
  state.compare_errors.assign(state.view.compare_variants.size(), {});
  if (!state.view.compare) return;
  for (size_t i = 0; i < state.view.compare_variants.size(); ++i)
    if (state.view.compare_variants[i] != state.scene.variant)  // that one is the current analysis
      state.compare_errors[i] =
          request_analysis(state, compare_scene(state.scene, state.view.compare_variants[i]), false);
}

void set_scene(AppState& state, Scene scene) {
  state.scene = std::move(scene);
  ++state.generation;
  state.error = gui_error_text(request_analysis(state, state.scene, true), state.error_fields);
  request_compare(state);
}

void remember_for_undo(AppState& state) {
  state.history.undo.push_back(state.scene);
  if (state.history.undo.size() > History::kLimit) state.history.undo.erase(state.history.undo.begin());
  state.history.redo.clear();
}

void edit_scene(AppState& state, Scene scene) {
  if (scene == state.scene) return;
  remember_for_undo(state);
  set_scene(state, std::move(scene));
}

// The matrix point under `anchor` (fractions of the view) stays under it.
void set_zoom(ViewOptions& view, float zoom, float max_zoom, ImVec2Fraction anchor) {
  const float mx = view.pan_x + anchor.x / view.zoom, my = view.pan_y + anchor.y / view.zoom;
  view.zoom = std::clamp(zoom, 1.f, std::max(1.f, max_zoom));
  const float limit = 1.f - 1.f / view.zoom;
  view.pan_x = std::clamp(mx - anchor.x / view.zoom, 0.f, limit);
  view.pan_y = std::clamp(my - anchor.y / view.zoom, 0.f, limit);
}

void browser_list(FileBrowser& browser) { browser.entries = folder_list(browser.folder, browser.filter, browser.error); }

// A .pt that is not a saved tensor may be a TorchScript module: its audit runs LibTorch in a child
// process for seconds, so it runs on a worker like a large analysis, at the current scene's sizes.
void module_open(AppState& state, const std::string& path, const std::string& mask_error) {
  AnalysisJob job;
  job.generation = state.generation;
  job.n = state.scene.n;
  job.what = "auditing " + std::filesystem::path(path).filename().string();
  job.started = std::chrono::steady_clock::now();
  job.result = std::async(std::launch::async, [audit = state.audit_module, sizes = state.scene, path, mask_error,
                                               generation = state.generation, control = job.control] {
    action::AnalysisReady ready{generation, 0, nullptr, {}, path};
    try {
      ready.analysis = audit(sizes, path, [control](double fraction) { control->report(fraction); });
      ready.scene_hash = scene_hash(ready.analysis->scene);
    } catch (const AnalysisCancelled&) {
      ready.error = "the audit was cancelled";
    } catch (const std::exception& e) {
      ready.error = fmt::format("not a mask ({}), nor a module ({})", mask_error, e.what());
    }
    return ready;
  });
  state.jobs.push_back(std::move(job));
  attnscope::apply(state, action::ShowToast{"auditing " + std::filesystem::path(path).filename().string() +
                                            ": each token's dependencies are measured with LibTorch"});
}

// The module's scene becomes the current one, undoable like an edit; dropped if the user changed
// the scene while the audit ran.
void module_opened(AppState& state, const action::AnalysisReady& a) {
  const std::string name = std::filesystem::path(a.opened_module).filename().string();
  if (a.generation != state.generation) return;
  if (!a.analysis) {
    attnscope::apply(state, action::ShowToast{"cannot open " + name + ": " + a.error, true});
    return;
  }
  remember_for_undo(state);
  state.scene = a.analysis->scene;
  ++state.generation;
  install(state, a.analysis);
  recent_add(state.recent.modules, a.opened_module);
  attnscope::apply(state, action::ShowToast{fmt::format("opened {}: {} leaking cells", name, a.analysis->metrics.total_leaks)});
}

// Scenes open as an edit (undo returns to the previous one); a file that cannot be read leaves
// the scene alone and says why in a toast.
void file_open(AppState& state, const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string path = fs::absolute(given, ec).lexically_normal().string();
  if (!fs::is_regular_file(path, ec)) {
    attnscope::apply(state, action::ShowToast{given + ": no such file", true});
    return;
  }
  const std::string name = fs::path(path).filename().string();
  const FileKind kind = file_kind(path);
  switch (kind) {
    case FileKind::Scene:
      try {
        Scene scene = scene_load(path);
        edit_scene(state, std::move(scene));
        recent_add(state.recent.scenes, path);
        attnscope::apply(state, action::ShowToast{"opened " + name});
      } catch (const std::exception& e) {
        attnscope::apply(state, action::ShowToast{"cannot open " + name + ": " + e.what(), true});
      }
      return;
    case FileKind::Mask:
    case FileKind::MaskOrModule: {
      std::string mask_error;
      try {
        edit_scene(state, scene_for_mask_file(state.scene, path));
        recent_add(state.recent.masks, path);
        attnscope::apply(state, action::ShowToast{"opened " + name + ", judged against the " + state.scene.policy + " policy"});
        return;
      } catch (const std::exception& e) {
        mask_error = e.what();
      }
      if (kind == FileKind::Mask || !state.audit_module) {
        attnscope::apply(state, action::ShowToast{"cannot open " + name + ": " + mask_error, true});
        return;
      }
      module_open(state, path, mask_error);
      return;
    }
    case FileKind::Unknown:
      attnscope::apply(state, action::ShowToast{name + ": attnscope opens scenes (.json), masks (.npy, .pt) and modules (.pt); this is none of them", true});
      return;
  }
}


// The GUI's name for a scene key or command-line flag in the core's messages.
const std::pair<const char*, const char*> kFieldLabels[] = {
    {"n", "N tokens"}, {"g", "G group"}, {"heads", "H heads"}, {"d", "D dim"}, {"batch", "B batch"},
    {"shift", "shift"}, {"policy", "policy"}, {"seed", "seed"}, {"variant", "variant"}};

std::string field_label(const std::string& key) {
  for (const auto& [k, label] : kFieldLabels)
    if (key == k) return label;
  return key;
}

bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

}  // namespace

std::string gui_error_text(const std::string& message, std::vector<std::string>& fields) {
  fields.clear();
  if (message.empty()) return message;
  auto mark = [&](const std::string& key) {
    if (std::find(fields.begin(), fields.end(), key) == fields.end()) fields.push_back(key);
  };
  std::string out;
  size_t i = 0;
  // The message starts with the key it is about ("g: ..."): that field holds the bad value.
  const size_t colon = message.find(": ");
  if (colon != std::string::npos && colon > 0 &&
      std::all_of(message.begin(), message.begin() + colon, key_char)) {
    const std::string key = message.substr(0, colon);
    mark(key);
    out = field_label(key) + ": ";
    i = colon + 2;
  }
  // Values it quotes ("the group size g = 5") are in fields too.
  for (const auto& [key, label] : kFieldLabels)
    if (message.find(std::string(" ") + key + " = ") != std::string::npos) mark(key);
  // Flags it suggests ("pick a --g that divides n") become the fields to change.
  while (i < message.size()) {
    if (message.compare(i, 2, "--") == 0 && i + 2 < message.size() && std::isalpha(static_cast<unsigned char>(message[i + 2]))) {
      size_t end = i + 2;
      while (end < message.size() && key_char(message[end])) ++end;
      const std::string key = message.substr(i + 2, end - i - 2);
      mark(key);
      out += "\"" + field_label(key) + "\"";
      i = end;
    } else {
      out += message[i++];
    }
  }
  return out;
}

void apply(AppState& state, Action action) {
  const float max_zoom = state.analysis ? state.analysis->n() / 4.f : 1.f;
  std::visit(
      Overloaded{
          [&](const action::SetScene& a) { edit_scene(state, a.scene); },
          [&](const action::LoadPreset& a) {
            if (a.index < 0 || a.index >= static_cast<int>(state.presets.size())) return;
            const Preset& preset = state.presets[a.index];
            if (!preset.error.empty()) {
              state.error = preset.file + ": " + preset.error;
              return;
            }
            edit_scene(state, preset.scene);
          },
          [&](const action::StepTo& a) { step_to(state, a.step, a.animate); },
          [&](const action::StepNext&) { step_to(state, state.play.step + 1, true); },
          [&](const action::StepPrev&) { step_to(state, state.play.step - 1, true); },
          [&](const action::StepFirst&) { step_to(state, 0, true); },
          [&](const action::StepLast&) { step_to(state, step_count(state) - 1, true); },
          [&](const action::Play&) {
            if (state.play.step >= step_count(state) - 1) step_to(state, 0, false);
            state.play.playing = true;
            state.play.hold = 0.f;
          },
          [&](const action::Pause&) { state.play.playing = false; },
          [&](const action::TogglePlay&) {
            attnscope::apply(state, state.play.playing ? Action{action::Pause{}} : Action{action::Play{}});
          },
          // Non-finite values (a NaN from a widget or a script) would poison every later frame.
          [&](const action::SetSpeed& a) {
            if (std::isfinite(a.speed)) state.play.speed = std::clamp(a.speed, 0.25f, 4.f);
          },
          [&](const action::SetCompare& a) {
            state.view.compare = a.on;
            state.view.compare_variants =
                a.variants.empty() ? compare_variants(state.scene) : a.variants;
            if (state.view.compare_variants.size() > kCompareMaxVariants)
              state.view.compare_variants.resize(kCompareMaxVariants);
            request_compare(state);
          },
          [&](const action::ToggleCompare&) {
            attnscope::apply(state, action::SetCompare{!state.view.compare, state.view.compare_variants});
          },
          [&](const action::ToggleCost&) {
            state.view.cost = !state.view.cost;
            if (state.view.cost && state.analysis && !(state.lesson && state.lesson->cost))
              state.lesson = lesson_compute(*state.analysis, true);
          },
          [&](const action::SetCompareHead& a) { state.view.compare_head = a.head; },
          [&](const action::ToggleLeakMarks&) { state.view.leak_marks = !state.view.leak_marks; },
          [&](const action::SetColorBy& a) { state.view.color_by = a.by; },
          [&](const action::SetCoords& a) { state.view.coords = a.coords; },
          [&](const action::SetColormap& a) { state.view.colormap = a.name; },
          [&](const action::SetClassroom& a) { state.view.classroom = a.on; },
          [&](const action::SetTheme& a) {
            if (a.theme != ThemeName::HighContrast) state.view.desk_theme = a.theme;  // that one is classroom mode
          },
          [&](const action::OpenFile& a) { file_open(state, a.path); },
          [&](const action::BrowseFolder& a) {
            std::error_code ec;
            std::string folder = !a.folder.empty() ? a.folder
                                 : !state.browser.folder.empty() ? state.browser.folder
                                                                 : std::filesystem::current_path(ec).string();
            state.browser.folder = std::filesystem::absolute(folder, ec).lexically_normal().string();
            state.browser.open = true;
            browser_list(state.browser);
          },
          [&](const action::BrowseFilter& a) {
            state.browser.filter = a.extension;
            browser_list(state.browser);
          },
          [&](const action::CloseBrowser&) { state.browser.open = false; },
          [&](const action::ClearRecent&) { state.recent = {}; },
          [&](const action::CancelJobs&) {
            for (const AnalysisJob& job : state.jobs) job.control->cancel = true;
          },
          [&](const action::ToggleFullscreen&) { state.view.fullscreen = !state.view.fullscreen; },
          [&](const action::Zoom& a) {
            if (std::isfinite(a.factor) && a.factor > 0.f)
              set_zoom(state.view, state.view.zoom * a.factor, max_zoom, a.anchor.value_or(ImVec2Fraction{}));
          },
          [&](const action::Pan& a) {
            if (!std::isfinite(a.dx) || !std::isfinite(a.dy)) return;
            const float limit = 1.f - 1.f / state.view.zoom;
            state.view.pan_x = std::clamp(state.view.pan_x + a.dx, 0.f, limit);
            state.view.pan_y = std::clamp(state.view.pan_y + a.dy, 0.f, limit);
          },
          [&](const action::ZoomTo& a) {
            const int n = state.analysis ? state.analysis->n() : state.scene.n;
            if (n <= 0 || a.span <= 0) return;
            state.view.zoom = std::clamp(static_cast<float>(n) / a.span, 1.f, std::max(1.f, n / 4.f));
            const float limit = 1.f - 1.f / state.view.zoom;
            state.view.pan_x = std::clamp((a.k - a.span / 2.f) / n, 0.f, limit);
            state.view.pan_y = std::clamp((a.q - a.span / 2.f) / n, 0.f, limit);
          },
          [&](const action::ComputeZoomWeights& a) {
            if (!state.analysis || state.analysis->has_values() || state.zoom_weights_covering(a.window) ||
                state.zoom_weights_pending(a.window))
              return;
            ZoomJob job;
            job.window = a.window;
            job.result = std::async(std::launch::async, [analysis = state.analysis, w = a.window] {
              action::ZoomWeightsReady ready{analysis, w, nullptr, {}};
              try {
                ready.values = std::make_shared<ValuesWindow>(
                    values_window(*analysis, 0, w.head, w.row_begin, w.row_end, w.key_begin, w.key_end));
              } catch (const std::exception& e) {
                ready.error = e.what();
              }
              return ready;
            });
            state.zoom_jobs.push_back(std::move(job));
          },
          [&](const action::ZoomWeightsReady& a) {
            if (a.analysis != state.analysis || !a.values) return;  // stale, or failed: the mask stays
            std::erase_if(state.zoom_weights, [&](const ZoomWeights& z) {
              return z.analysis != state.analysis || z.window.head == a.window.head;
            });
            state.zoom_weights.push_back({a.analysis, a.window, a.values});
          },
          [&](const action::ResetZoom&) {
            state.view.zoom = 1.f;
            state.view.pan_x = state.view.pan_y = 0.f;
          },
          [&](const action::Undo&) {
            if (state.history.undo.empty()) return;
            state.history.redo.push_back(state.scene);
            Scene scene = std::move(state.history.undo.back());
            state.history.undo.pop_back();
            set_scene(state, std::move(scene));
          },
          [&](const action::Redo&) {
            if (state.history.redo.empty()) return;
            state.history.undo.push_back(state.scene);
            Scene scene = std::move(state.history.redo.back());
            state.history.redo.pop_back();
            set_scene(state, std::move(scene));
          },
          [&](const action::SetHover& a) { state.hover = cell_inside(a.cell, state); },
          [&](const action::Pin& a) { state.pinned = cell_inside(a.cell, state); },
          [&](const action::SetBreakpoint& a) { state.play.breakpoint = a.step_name; },
          [&](const action::SetWatch& a) { state.play.watch = cell_inside(a.cell, state); },
          [&](const action::Export&) { ++state.export_requests; },
          [&](const action::SetExportFolder& a) { state.export_folder = a.folder; },
          [&](const action::ShowToast& a) {
            state.toast = Toast{a.text, a.error, std::chrono::steady_clock::now() + std::chrono::seconds(a.error ? 8 : 5)};
          },
          [&](const action::AnalysisReady& a) {
            if (a.analysis) state.cache.put(a.scene_hash, a.analysis);
            if (!a.opened_module.empty()) {
              module_opened(state, a);
              return;
            }
            // A result for a scene the user has since left is stale: cached, never shown.
            if (a.generation != state.generation || a.scene_hash != scene_hash(state.scene)) return;
            if (a.analysis) install(state, a.analysis);
            else state.error = gui_error_text(a.error, state.error_fields);
          },
      },
      action);
}

void apply_all(AppState& state, ActionQueue& queue) {
  // apply() may not enqueue, but move the list out first so a view's queue is reusable at once.
  std::vector<Action> actions = std::move(queue.actions);
  queue.actions.clear();
  for (const Action& a : actions) apply(state, a);
}

void tick(AppState& state, float dt) {
  if (state.toast && state.toast->seconds_left() <= 0.0) state.toast.reset();
  Playback& play = state.play;
  if (play.t < 1.f) {
    play.t = std::min(1.f, play.t + dt * play.speed / kAnimationSeconds);
    return;
  }
  if (!play.playing) return;
  play.hold += dt * play.speed;
  if (play.hold < kHoldSeconds) return;
  if (play.step + 1 >= step_count(state)) {
    play.playing = false;
    return;
  }
  step_to(state, play.step + 1, true);
  if (!play.breakpoint.empty() && state.current_step()->name == play.breakpoint) play.playing = false;
}

namespace {
template <typename Job>
void collect_from(std::vector<Job>& jobs, bool wait, std::vector<Action>& ready) {
  for (auto it = jobs.begin(); it != jobs.end();) {
    if (wait || it->result.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      ready.emplace_back(it->result.get());
      it = jobs.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<Action> collect(AppState& state, bool wait) {
  std::vector<Action> ready;
  collect_from(state.jobs, wait, ready);
  collect_from(state.zoom_jobs, wait, ready);
  return ready;
}
}  // namespace

std::vector<Action> jobs_poll(AppState& state) { return collect(state, false); }
std::vector<Action> jobs_wait(AppState& state) { return collect(state, true); }

}  // namespace attnscope
