#pragma once
// The Export action's work: the current view as a figure file through the same code as
// `attnscope export`, so the file matches the screen's colours, orientation and leak marks.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/app_state.hpp"
#include "core/figure/figure.hpp"

namespace attnscope {

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

// None when there is nothing to export yet.
std::optional<ExportRequest> export_request(const AppState& state, const std::string& folder);
// Writes the file; returns a one-line status (the file written, or what went wrong).
std::string export_run(const ExportRequest& request);

}  // namespace attnscope
