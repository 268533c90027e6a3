#pragma once
// Measures a module's dependencies in an isolated child process (the CLI, export and the GUI
// share it): LibTorch is loaded in the child only, under the memory budget and time limit.
#include "app/cli/isolated_run.hpp"
#include "core/audit.hpp"

namespace attnscope {

// progress_to_stderr: the child draws a progress line on stderr (only when it is a terminal).
AuditResult audit_measure(const AuditOptions& options, const IsolationLimits& limits,
                          bool progress_to_stderr);

}  // namespace attnscope
