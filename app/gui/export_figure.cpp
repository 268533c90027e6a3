#include "app/gui/export_figure.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/base/progress_scope.hpp"
#include "core/presentation/compare.hpp"
#include "core/presentation/routed_row.hpp"

namespace attnscope {

std::string export_unique_path(const std::string& folder, const std::string& stem, const std::vector<std::string>& taken) {
  namespace fs = std::filesystem;
  for (int i = 1;; ++i) {
    const fs::path path = fs::path(folder) / (i == 1 ? stem + ".png" : fmt::format("{}-{}.png", stem, i));
    if (!fs::exists(path) && std::find(taken.begin(), taken.end(), path.string()) == taken.end()) return path.string();
  }
}

std::variant<ExportRequest, action::ShowToast> export_request(const AppState& state) {
  const Step* step = state.current_step();
  if (!state.analysis || !step) return action::ShowToast{"Nothing to export yet: the scene has no analysis.", true};
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path folder = fs::absolute(state.export_folder.empty() ? fs::current_path() : fs::path(state.export_folder), ec);
  if (ec || !fs::is_directory(folder, ec))
    return action::ShowToast{
        fmt::format("Export failed: the export folder {} does not exist (File > Export folder).", folder.string()), true};
  ExportRequest request;
  // Steps that only move tokens are exported as the token grid at that step; from the scores on,
  // what the heatmaps (or the compare view) show.
  request.options.view = state.view.compare                  ? FigureView::Compare
                         : step->values == StepValues::None ? FigureView::Tokens
                                                            : FigureView::Heatmap;
  request.options.colormap = state.view.colormap;
  request.options.theme = state.view.theme();
  request.options.step = state.play.step;
  // At a routed variant's selection step the file shows the focused query's row, as the screen does.
  if (const auto focus = state.focus(); focus && routed_row_view(*state.analysis, state.play.step, focus->head, focus->q))
    request.options.query = focus->q;
  request.analysis = state.analysis;
  const Scene& scene = state.analysis->scene;
  if (request.options.view == FigureView::Compare) {
    // Every compared variant but the analysis's own (the A slot may show another): the figure
    // never compares a variant with itself.
    for (const std::string& variant : state.view.compare_variants)
      if (variant != scene.variant) request.compare.push_back(variant);
    for (const std::string& variant : request.compare)
      if (auto cached = state.cache.peek(scene_hash(compare_scene(scene, variant))))
        request.compared.push_back(std::move(cached));
  }
  const std::string stem = fmt::format("attnscope-{}-{}-n{}-step{}-{}", figure_view_name(request.options.view),
                                       scene.variant, scene.n, state.play.step, step->name);
  std::vector<std::string> taken;
  for (const Job& job : state.jobs)
    if (job.kind == JobKind::Export) taken.push_back(job.path);
  request.path = export_unique_path(folder.string(), stem, taken);
  return request;
}

action::ShowToast export_run(const ExportRequest& request, const std::function<void(double)>& progress) {
  try {
    // The figure's loops report through the scope; a cancel there ends the export unwritten.
    std::optional<ProgressScope> scope;
    if (progress) {
      scope.emplace(progress);
      progress(0);
    }
    if (request.options.view == FigureView::Compare) {
      // The figure names the compared variants in its scene (and in the source it embeds), so it
      // draws from a copy whose scene lists them; made here, on the worker.
      Analysis with_compare = *request.analysis;
      with_compare.scene.compare = request.compare;
      figure_export(with_compare, request.options, request.path, request.compared);
    } else {
      figure_export(*request.analysis, request.options, request.path);
    }
  } catch (const AnalysisCancelled&) {
    return {fmt::format("Export cancelled; {} was not written.", std::filesystem::path(request.path).filename().string()),
            false};
  } catch (const std::exception& e) {
    return {fmt::format("Export failed: {}", e.what()), true};
  }
  return {"Exported " + request.path, false};
}

}  // namespace attnscope
