// The Lab panel for apply(): a training of the panel's settings under the current scene runs on
// a worker through the state's trainer (LibTorch, loaded on demand); its curve points arrive
// live, its result or the reason there is none at the end, and the trained model's q, k, v can
// become the scene's.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "app/gui/apply.hpp"
#include "app/gui/apply_parts.hpp"
#include "core/scene/qkv_file.hpp"

namespace attnscope::apply_parts {

namespace {

// Each training writes its own file, so a scene still reading an earlier model keeps it.
std::string lab_model_path(uint64_t run) {
  return (std::filesystem::temp_directory_path() / fmt::format("attnscope-lab-{}-{}.safetensors", getpid(), run))
      .string();
}

}  // namespace

void lab_train_start(AppState& state) {
  LabPanel& lab = state.lab;
  if (state.jobs_running(JobKind::Lab)) return;
  ++lab.run;
  lab.error.clear();
  lab.points.clear();
  lab.live.reset();
  lab.result.reset();
  lab.model_path.clear();
  if (!state.lab_trainer) {
    lab.error = "this build cannot train: the LibTorch module is missing";
    return;
  }
  // A stack trains one model layer per stack layer, as the command line does without --layers.
  LabSettings settings = lab.settings;
  lab_layers_from_stack(state.scene, settings);
  // Refused at once, in the command line's words, before LibTorch is loaded.
  try {
    lab_settings_check(settings, state.scene);
  } catch (const std::exception& e) {
    lab.error = e.what();
    return;
  }
  // About 60 points, so the live curves move smoothly whatever the step count.
  settings.eval_every = std::max(1, settings.steps / 60);
  lab.live = std::make_shared<LabLive>();
  lab.started = std::chrono::steady_clock::now();
  Job job;
  job.kind = JobKind::Lab;
  job.what = fmt::format("training under {}, {} steps", state.scene.variant, lab.settings.steps);
  job.result = std::async(std::launch::async, [trainer = state.lab_trainer, scene = state.scene, settings,
                                               run = lab.run, path = lab_model_path(lab.run), live = lab.live,
                                               control = job.control]() -> Action {
    action::LabReady ready{run, nullptr, {}, scene, {}};
    LabProgress progress;
    progress.fraction = [control](double fraction) { control->report(fraction); };
    progress.point = [live](const LabCurvePoint& point) {
      const std::lock_guard lock(live->mutex);
      live->points.push_back(point);
    };
    try {
      control->report(0);
      ready.result = std::make_shared<const LabResult>(trainer(scene, settings, path, progress));
      ready.model_path = path;
    } catch (const AnalysisCancelled&) {
      ready.error = "training cancelled; nothing was kept";
    } catch (const std::exception& e) {
      ready.error = e.what();
    }
    return ready;
  });
  state.jobs.push_back(std::move(job));
}

void lab_ready(AppState& state, const action::LabReady& ready) {
  LabPanel& lab = state.lab;
  if (ready.run != lab.run) return;  // a training the user has since replaced
  lab.live.reset();
  if (!ready.result) {
    lab.error = ready.error;
    lab.points.clear();
    return;
  }
  lab.result = ready.result;
  lab.points = ready.result->curves;
  lab.trained = ready.scene;
  lab.model_path = ready.model_path;
  lab.layer = std::clamp(lab.layer, 0, ready.result->layers - 1);
  // Earlier trainings' models stay only while a scene, on screen or in the undo history, reads them.
  lab.model_files->add(lab.model_path);
  const auto reads = [](const std::vector<Scene>& scenes, const std::string& path) {
    return std::any_of(scenes.begin(), scenes.end(), [&](const Scene& s) { return s.qkv == path; });
  };
  lab.model_files->prune([&](const std::string& path) {
    return path == lab.model_path || state.scene.qkv == path || reads(state.history.undo, path) ||
           reads(state.history.redo, path);
  });
}

void lab_points_sync(AppState& state) {
  if (!state.lab.live) return;
  const std::lock_guard lock(state.lab.live->mutex);
  if (state.lab.live->points.size() != state.lab.points.size()) state.lab.points = state.lab.live->points;
}

void lab_attention_open(AppState& state) {
  const LabPanel& lab = state.lab;
  if (!lab.result || lab.model_path.empty()) return;
  try {
    edit_scene(state, qkv_file_use(state.scene, lab.model_path, lab.layer));
  } catch (const std::exception& e) {
    attnscope::apply(state, action::ShowToast{"cannot open the learned attention: " + std::string(e.what()), true});
    return;
  }
  state.view.lab = false;  // the heatmaps show the learned weights
  attnscope::apply(state, action::ShowToast{fmt::format("the learned q, k, v of layer {} are the scene's", lab.layer)});
}

}  // namespace attnscope::apply_parts
