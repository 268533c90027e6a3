#pragma once
// The Export action's work: the current view at the current step as a figure file through the
// same code as `attnscope export`, so the file matches the screen's colours, orientation and leak
// marks. apply() runs it as a job (JobKind::Export).
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app/gui/app_state.hpp"
#include "core/figure/figure.hpp"

namespace attnscope {

// A name in `folder` that no file has yet and `taken` does not hold (the files running exports
// will write): `stem.png`, else `stem-2.png`, `stem-3.png`, ...
std::string export_unique_path(const std::string& folder, const std::string& stem,
                               const std::vector<std::string>& taken = {});

// What an export needs, taken from the state between frames: the analyses the screen shows
// (the compare view's from the cache, so nothing is analysed again) and where to write. It owns
// everything it reads, so it can be rendered on a worker thread while frames go on.
struct ExportRequest {
  std::shared_ptr<const Analysis> analysis;
  std::vector<std::string> compare;  // the compare view's other variants, in screen order
  ComparedAnalyses compared;         // those of them the cache holds
  FigureOptions options;
  std::string path;
};

// The request for the current view at the current step, written into state.export_folder (empty:
// the current folder) under a name no file and no export in state.jobs has yet; or the toast
// saying why there is none.
std::variant<ExportRequest, action::ShowToast> export_request(const AppState& state);
// Writes the file; returns the toast to show: the full path written, or what went wrong.
// `progress` gets the fraction done and may throw AnalysisCancelled: then nothing is written and
// the toast says the export was cancelled.
action::ShowToast export_run(const ExportRequest& request, const std::function<void(double)>& progress = {});

}  // namespace attnscope
