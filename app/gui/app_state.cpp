#include "app/gui/app_state.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "core/base/input_error.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

LabModelFiles::~LabModelFiles() {
  prune([](const std::string&) { return false; });
}

void LabModelFiles::prune(const std::function<bool(const std::string&)>& needed) {
  std::erase_if(paths_, [&](const std::string& path) {
    if (needed(path)) return false;
    std::error_code ec;  // already gone, or a temporary folder cleaned: nothing to do
    std::filesystem::remove(path, ec);
    return true;
  });
}

std::shared_ptr<const Analysis> AnalysisCache::find(uint64_t hash) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->first == hash) {
      entries_.splice(entries_.begin(), entries_, it);  // most recently used first
      return entries_.front().second;
    }
  return nullptr;
}

std::shared_ptr<const Analysis> AnalysisCache::peek(uint64_t hash) const {
  for (const auto& [h, analysis] : entries_)
    if (h == hash) return analysis;
  return nullptr;
}

void AnalysisCache::put(uint64_t hash, std::shared_ptr<const Analysis> analysis) {
  if (find(hash)) {
    entries_.front().second = std::move(analysis);
    return;
  }
  entries_.emplace_front(hash, std::move(analysis));
  if (entries_.size() > kCapacity) entries_.pop_back();
}

void JobControl::report(double fraction) {
  done = static_cast<float>(fraction);
  if (cancel) throw AnalysisCancelled();
}

const ZoomWeights* AppState::zoom_weights_covering(const ZoomWindow& window) const {
  for (const ZoomWeights& stored : zoom_weights)
    if (stored.analysis == analysis && stored.window.covers(window)) return &stored;
  return nullptr;
}

bool AppState::zoom_weights_pending(const ZoomWindow& window) const {
  return std::any_of(jobs.begin(), jobs.end(), [&](const Job& job) {
    return job.kind == JobKind::ZoomWeights && job.analysis == analysis && job.window.covers(window);
  });
}

const HeatmapWeights* AppState::heatmap_weights_of(const Analysis* of, const HeatmapWeightsKey& key) const {
  for (const HeatmapWeights& stored : heatmap_weights)
    if (stored.analysis.get() == of && stored.key == key) return &stored;
  return nullptr;
}

bool AppState::heatmap_weights_pending(const Analysis* of, const HeatmapWeightsKey& key) const {
  return std::any_of(jobs.begin(), jobs.end(), [&](const Job& job) {
    return job.kind == JobKind::HeatmapWeights && job.analysis.get() == of && job.heatmap == key;
  });
}

const HeatmapStepImage* AppState::heatmap_image_of(const Analysis* of, const HeatmapImageKey& key) const {
  for (const HeatmapStepImage& stored : heatmap_images)
    if (stored.analysis.get() == of && stored.key == key) return &stored;
  return nullptr;
}

const Job* AppState::heatmap_image_job(const Analysis* of, const HeatmapImageKey& key) const {
  for (const Job& job : jobs)
    if (job.kind == JobKind::HeatmapImage && job.analysis.get() == of && job.image == key) return &job;
  return nullptr;
}

const CompareDiff* AppState::diff_image_of(const Analysis* a, const Analysis* b, const DiffImageKey& key) const {
  for (const CompareDiff& stored : diff_images)
    if (stored.a.get() == a && stored.b.get() == b && stored.key == key) return &stored;
  return nullptr;
}

const Job* AppState::diff_image_job(const Analysis* a, const Analysis* b, const DiffImageKey& key) const {
  for (const Job& job : jobs)
    if (job.kind == JobKind::DiffImage && job.analysis.get() == a && job.analysis_b.get() == b && job.diff == key)
      return &job;
  return nullptr;
}

const StepBandsOf* AppState::token_bands_of(int step) const {
  for (const StepBandsOf& stored : token_bands)
    if (stored.analysis == analysis && stored.step == step) return &stored;
  return nullptr;
}

const Job* AppState::token_bands_job(int step) const {
  for (const Job& job : jobs)
    if (job.kind == JobKind::TokenBands && job.analysis == analysis && job.step == step) return &job;
  return nullptr;
}

bool AppState::jobs_running(JobKind kind) const {
  return std::any_of(jobs.begin(), jobs.end(), [&](const Job& job) { return job.kind == kind; });
}

bool AppState::token_text_on() const {
  return analysis && static_cast<int>(token_text.tokens.size()) == analysis->n();
}

std::string AppState::token_label(int t, int max_chars) const {
  if (!token_text_on() || t < 0 || t >= analysis->n()) return "";
  return token_text_shown(token_text.tokens[t], max_chars);
}

const Step* AppState::current_step() const {
  if (!analysis || analysis->trace().steps.empty()) return nullptr;
  const auto& steps = analysis->trace().steps;
  return &steps[std::clamp(play.step, 0, static_cast<int>(steps.size()) - 1)];
}

const StepText* AppState::step_text(int index) const {
  return index >= 0 && index < static_cast<int>(step_texts.size()) ? &step_texts[index] : nullptr;
}

std::string AppState::step_caption_text(int index) const {
  const StepText* text = step_text(index);
  return text ? text->caption : std::string();
}

uint64_t scene_hash(const Scene& scene) {
  // The JSON text covers every field a scene has, including ones added later. FNV-1a keeps the
  // hash stable across runs (std::hash need not be).
  const std::string text = scene_to_json(scene).dump();
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

uint64_t stack_strip_key(const Scene& scene) {
  if (scene.stack.empty()) return 0;
  try {
    return scene_hash(stack_layer_scene(scene, 0));  // what every layer of the model shares
  } catch (const InputError&) {
    return 0;  // an invalid stack has no strip; the scene's error says why
  }
}

}  // namespace attnscope
