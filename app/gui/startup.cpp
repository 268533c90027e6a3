#include "app/gui/startup.hpp"

#include "app/gui/apply.hpp"

namespace attnscope {

bool settings_used(const GuiRequest& request) {
  return !request.no_settings && request.screenshot.empty() && request.bench_frames == 0;
}

GuiStart gui_start(const GuiRequest& request) {
  GuiStart start;
  if (!settings_used(request)) return start;
  start.settings_path = settings_path();
  if (!start.settings_path.empty()) start.settings = settings_load(start.settings_path, start.warning);
  return start;
}

void state_open(AppState& state, const GuiRequest& request, const Settings& settings,
                const std::string& presets_folder) {
  state.presets = presets_load(presets_folder);
  state.recent = settings.recent;
  Scene scene = request.scene;
  if (!request.scene_given) {
    // With no scene named, the last one comes back; on a first run the first preset opens: the
    // classroom scene with its step captions.
    if (settings.last_scene) scene = *settings.last_scene;
    else if (!state.presets.empty() && state.presets.front().error.empty()) scene = state.presets.front().scene;
  }
  state.memory_budget_bytes = request.memory_budget_bytes;
  state.audit_module = request.audit_module;
  state.lab_trainer = request.lab_trainer;
  if (request.audit) {
    // An audited module is not a scene analyze() can rebuild: its analysis is installed as is.
    state.scene = request.audit->scene;
    apply(state, action::AnalysisReady{state.generation, scene_hash(state.scene), request.audit, "", ""});
  } else {
    apply(state, action::SetScene{scene});
  }
  state.history.undo.clear();  // opening a scene is not an edit
  apply(state, action::SetTheme{settings.theme});
  apply(state, action::SetTheme{request.bright ? ThemeName::Bright : settings.classroom_theme});
  apply(state, action::SetColormap{settings.colormap});
  apply(state, action::SetClassroom{settings.classroom || request.classroom});
  if (request.compare_view) apply(state, action::SetCompare{true, {}});
  apply(state, action::SetTokenText{request.token_text});
  apply(state, action::SetLabSettings{settings.lab});
  if (request.lab || request.lab_steps > 0) apply(state, action::SetLab{true});
  if (request.lab_steps > 0) {
    LabSettings settings = state.lab.settings;
    settings.steps = request.lab_steps;
    apply(state, action::SetLabSettings{settings});
    apply(state, action::LabTrain{});
  }
  if (request.lab_open >= 0) {  // the views open on the learned weights: wait for the training
    for (const Action& a : jobs_wait(state)) apply(state, a);
    apply(state, action::SetLabLayer{request.lab_open});
    apply(state, action::OpenLabAttention{});
  }
}

Settings settings_from_state(const AppState& state, int width, int height) {
  Settings s;
  s.theme = state.view.desk_theme;
  s.colormap = state.view.colormap;
  s.classroom = state.view.classroom;
  s.classroom_theme = state.view.classroom_theme;
  s.window_width = width;
  s.window_height = height;
  s.last_scene = state.scene;
  s.recent = state.recent;
  // What the panel lets the user set; the text task's characters are read again at each training.
  const LabSettings& lab = state.lab.settings;
  s.lab.task = lab.task;
  s.lab.layers = lab.layers;
  s.lab.steps = lab.steps;
  s.lab.batch = lab.batch;
  s.lab.d_model = lab.d_model;
  s.lab.lr = lab.lr;
  s.lab.vocab = lab.vocab;
  s.lab.seed = lab.seed;
  return s;
}

}  // namespace attnscope
