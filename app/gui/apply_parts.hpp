#pragma once
// Inside apply(): the functions its files share. apply.cpp dispatches every action and keeps the
// scene, history and view; apply_jobs.cpp starts, cancels and collects the background jobs;
// apply_files.cpp opens files, lists folders and installs audited modules; apply_lab.cpp trains; apply_stack.cpp
// keeps a model stack's layer and strip; gui_error_text.cpp
// puts the core's messages in the GUI's words. Nothing outside these files includes this.
#include <memory>
#include <string>

#include "app/gui/app_state.hpp"

namespace attnscope::apply_parts {

// apply.cpp: the scene and its analysis.
// Makes `analysis` the one the views show (keeping the step by name where it can).
// `derived`: its scales, lesson and step texts when a job found them (else found here, or kept
// from an earlier install of the same analysis).
void install(AppState& state, std::shared_ptr<const Analysis> analysis,
             std::shared_ptr<const AnalysisDerived> derived = nullptr);
void remember_for_undo(AppState& state);
// The scales, lesson and step texts found for `analysis` (by its job, or when installed), else null.
std::shared_ptr<const AnalysisDerived> derived_of(const AppState& state, const Analysis* analysis);
void derived_store(AppState& state, std::shared_ptr<const Analysis> analysis, std::shared_ptr<const AnalysisDerived> derived);
void edit_scene(AppState& state, Scene scene);  // an undoable change of the scene

// apply_jobs.cpp: each job kind's start, and what arrives back.
// Cached, computed now, or started as a job. Returns the InputError message of an invalid scene.
// `current` scenes are installed as the state's analysis when ready.
std::string analysis_request(AppState& state, const Scene& scene, bool current);
void audit_start(AppState& state, const std::string& path, const std::string& mask_error);
void export_start(AppState& state);
void zoom_weights_start(AppState& state, const ZoomWindow& window);
void zoom_weights_store(AppState& state, const action::ZoomWeightsReady& ready);
void heatmap_weights_start(AppState& state, const action::ComputeHeatmapWeights& request);
void heatmap_weights_store(AppState& state, const action::HeatmapWeightsReady& ready);
void heatmap_image_start(AppState& state, const action::ComputeHeatmapImage& request);
void heatmap_image_store(AppState& state, const action::HeatmapImageReady& ready);
void diff_image_start(AppState& state, const action::ComputeDiffImage& request);
void diff_image_store(AppState& state, const action::DiffImageReady& ready);
void token_bands_start(AppState& state, const action::ComputeTokenBands& request);
void token_bands_store(AppState& state, const action::TokenBandsReady& ready);
// The cost panel's table of the current analysis while the panel is open and its lesson has none:
// now for a small scene, else as a job.
void cost_request(AppState& state);
void cost_store(AppState& state, const action::CostReady& ready);
void jobs_cancel(AppState& state);
// Weights, images and token bands of analyses no longer on screen are dropped, and their jobs cancelled.
void weights_prune(AppState& state);

// apply_lab.cpp: the Lab panel's training and its model.
void lab_train_start(AppState& state);
void lab_ready(AppState& state, const action::LabReady& ready);
void lab_points_sync(AppState& state);  // the running training's points, for the live curves
void lab_attention_open(AppState& state);

// apply_stack.cpp: a model stack's shown layer, its layer strip and receptive field.
// Builds the strip the scene's model lacks (or the receptive field of the shown layer while that
// view is on, with its image in the theme shown): now for a small scene, else as a job; cancels
// strip jobs no longer needed.
void stack_strip_request(AppState& state);
void stack_ready(AppState& state, const action::StackReady& ready);
void stack_layer_set(AppState& state, int layer);  // clamped to the model's layers
// apply_jobs.cpp: the strip of the current scene's model as a job.
void stack_strip_start(AppState& state, uint64_t key, int reach_layer, ThemeName theme);

// apply_files.cpp: File > Open, the browser and modules.
void file_open(AppState& state, const std::string& path);
void browse_folder(AppState& state, const std::string& folder);
void browse_filter(AppState& state, const std::string& extension);
// An audit's AnalysisReady: the module's scene becomes the current one.
void module_opened(AppState& state, const action::AnalysisReady& ready);

}  // namespace attnscope::apply_parts
