#include "app/gui/export_figure.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "core/figure/figure.hpp"

namespace attnscope {

std::string export_unique_path(const std::string& folder, const std::string& stem) {
  namespace fs = std::filesystem;
  for (int i = 1;; ++i) {
    const fs::path path = fs::path(folder) / (i == 1 ? stem + ".png" : fmt::format("{}-{}.png", stem, i));
    if (!fs::exists(path)) return path.string();
  }
}

action::ShowToast export_current_view(const AppState& state) {
  const Step* step = state.current_step();
  if (!state.analysis || !step) return {"Nothing to export yet: the scene has no analysis.", true};
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path folder = fs::absolute(state.export_folder.empty() ? fs::current_path() : fs::path(state.export_folder), ec);
  if (ec || !fs::is_directory(folder, ec))
    return {fmt::format("Export failed: the export folder {} does not exist (File > Export folder).", folder.string()), true};
  FigureOptions options;
  // Steps that only move tokens are exported as the token grid at that step; from the scores on,
  // what the heatmaps (or the compare view) show.
  options.view = state.view.compare                  ? FigureView::Compare
                 : step->values == StepValues::None ? FigureView::Tokens
                                                    : FigureView::Heatmap;
  options.colormap = state.view.colormap;
  options.theme = state.view.theme();
  options.step = state.play.step;
  const Scene& scene = state.analysis->scene;
  const std::string stem = fmt::format("attnscope-{}-{}-n{}-step{}-{}", figure_view_name(options.view), scene.variant,
                                       scene.n, state.play.step, step->name);
  const std::string path = export_unique_path(folder.string(), stem);
  try {
    if (options.view == FigureView::Compare) {
      Scene with_compare = scene;
      with_compare.compare.assign(state.view.compare_variants.begin() + 1, state.view.compare_variants.end());
      figure_export(*analyze(with_compare), options, path);
    } else {
      figure_export(*state.analysis, options, path);
    }
  } catch (const std::exception& e) {
    return {fmt::format("Export failed: {}", e.what()), true};
  }
  return {"Exported " + path, false};
}

}  // namespace attnscope
