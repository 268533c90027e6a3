#include "app/gui/export_figure.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/compare.hpp"

namespace attnscope {

std::optional<ExportRequest> export_request(const AppState& state, const std::string& folder) {
  if (!state.analysis) return std::nullopt;
  ExportRequest request;
  request.options.view = state.view.compare ? FigureView::Compare : FigureView::Heatmap;
  request.options.colormap = state.view.colormap;
  request.options.theme = state.view.theme();
  request.options.step = state.play.step;
  request.analysis = state.analysis;
  const Scene& scene = state.analysis->scene;
  if (request.options.view == FigureView::Compare) {
    request.compare.assign(state.view.compare_variants.begin() + 1, state.view.compare_variants.end());
    for (const std::string& variant : request.compare)
      if (auto cached = state.cache.peek(scene_hash(compare_scene(scene, variant))))
        request.compared.push_back(std::move(cached));
  }
  const std::string name =
      fmt::format("attnscope-{}-{}-n{}.png", figure_view_name(request.options.view), scene.variant, scene.n);
  request.path = (std::filesystem::path(folder) / name).string();
  return request;
}

std::string export_run(const ExportRequest& request) {
  try {
    if (request.options.view == FigureView::Compare) {
      // The figure names the compared variants in its scene (and in the source it embeds), so it
      // draws from a copy whose scene lists them; made here, on the worker.
      Analysis with_compare = *request.analysis;
      with_compare.scene.compare = request.compare;
      figure_export(with_compare, request.options, request.path, request.compared);
    } else {
      figure_export(*request.analysis, request.options, request.path);
    }
  } catch (const std::exception& e) {
    return fmt::format("export failed: {}", e.what());
  }
  return "exported " + request.path;
}

}  // namespace attnscope
