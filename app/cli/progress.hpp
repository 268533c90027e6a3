#pragma once
// Progress and cancel for long commands: a fraction on stderr when stderr is a terminal, and
// Ctrl-C turned into AnalysisCancelled at the next progress report, so the command unwinds and
// writes no partial file.
#include <ostream>

#include "core/analysis.hpp"

namespace attnscope {

// Installs the Ctrl-C handler (once) and adds a progress callback to `options`; the callback
// prints only when `err` is the process's terminal stderr.
AnalyzeOptions progress_attach(AnalyzeOptions options, std::ostream& err);
// Throws AnalysisCancelled if Ctrl-C was pressed (for loops outside an analysis).
void progress_check_cancel();

}  // namespace attnscope
