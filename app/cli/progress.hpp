#pragma once
// Progress and cancel for long commands: a fraction on stderr when stderr is a terminal, and
// Ctrl-C turned into AnalysisCancelled at the next progress report, so the command unwinds and
// writes no partial file.
#include <functional>
#include <ostream>
#include <string>

#include "core/analysis/analysis.hpp"

namespace attnscope {

// Installs the Ctrl-C handler (once) and returns a progress callback that prints "`what`: 42%"
// only when `err` is the process's terminal stderr, and throws AnalysisCancelled after Ctrl-C.
std::function<void(double)> progress_callback(std::ostream& err, const std::string& what);
// Adds progress_callback(err, "analysing") to `options`.
AnalyzeOptions progress_attach(AnalyzeOptions options, std::ostream& err);
// The terminal line for `fraction` of `what` done after `elapsed_seconds`: "analysing:  42%",
// and once the rate can be told (2 s and 1% in) the time left, "analysing:   5%, about 3 min
// left".
std::string progress_line(const std::string& what, double fraction, double elapsed_seconds);
// Throws AnalysisCancelled if Ctrl-C was pressed (for loops outside an analysis).
void progress_check_cancel();

}  // namespace attnscope
