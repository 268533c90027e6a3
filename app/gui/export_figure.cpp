#include "app/gui/export_figure.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/figure/figure.hpp"

namespace attnscope {

std::string export_current_view(const AppState& state, const std::string& folder) {
  if (!state.analysis) return "nothing to export yet";
  FigureOptions options;
  options.view = state.view.compare ? FigureView::Compare : FigureView::Heatmap;
  options.colormap = state.view.colormap;
  options.theme = state.view.theme();
  options.step = state.play.step;
  const Scene& scene = state.analysis->scene;
  const std::string name = fmt::format("attnscope-{}-{}-n{}.png", figure_view_name(options.view), scene.variant, scene.n);
  const std::string path = (std::filesystem::path(folder) / name).string();
  try {
    if (options.view == FigureView::Compare) {
      Scene with_compare = scene;
      with_compare.compare.assign(state.view.compare_variants.begin() + 1, state.view.compare_variants.end());
      figure_export(*analyze(with_compare), options, path);
    } else {
      figure_export(*state.analysis, options, path);
    }
  } catch (const std::exception& e) {
    return fmt::format("export failed: {}", e.what());
  }
  return "exported " + path;
}

}  // namespace attnscope
