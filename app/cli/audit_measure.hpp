#pragma once
// Measures a module's dependencies in an isolated child process (the CLI, export and the GUI
// share it): LibTorch is loaded in the child only, under the memory budget and time limit.
#include "app/cli/isolated_run.hpp"
#include "core/analysis/audit.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

// The audit of `file` at the scene's N, H, D, B and seed.
AuditOptions audit_options(const Scene& scene, const std::string& file, const std::string& inputs);

// progress_to_stderr: the child draws a progress line on stderr (only when it is a terminal).
// `progress` gets the fraction of token probes done, in this process; it may throw
// AnalysisCancelled to stop the audit (isolated_run).
AuditResult audit_measure(const AuditOptions& options, const IsolationLimits& limits,
                          bool progress_to_stderr, const IsolatedProgress& progress = {});

}  // namespace attnscope
