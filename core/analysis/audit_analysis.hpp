#pragma once
// An audited module as an Analysis, so the GUI and the figures draw it like any variant: each
// head's dependency map is its mask (leaks judged against the policy), the module's own steps
// are its trace, and the inspector explains a cell from those steps.
#include <functional>
#include <memory>
#include <string>

#include "core/analysis/analysis.hpp"
#include "core/analysis/audit.hpp"

namespace attnscope {

// The weights drawn are a plain softmax over the dependency cells on the scene's seeded q, k,
// v: they show the pattern, not the module's own weights (draw masks with --mask). The policy
// and the variants to compare with come from `sizes`, the scene the audit was asked with; a
// module is compared with S2 and its fixed mask unless that scene names others.
std::shared_ptr<const Analysis> audit_analysis(const AuditResult& result, const AuditOptions& options,
                                               const Scene& sizes);

// Measures the TorchScript module at `path` with the sizes, seed and policy of `sizes` and returns
// its analysis; supplied by the binary, which can load LibTorch. Throws InputError for a file
// that is not a usable module. `progress` gets the fraction done and may throw AnalysisCancelled.
using ModuleAuditor = std::function<std::shared_ptr<const Analysis>(
    const Scene& sizes, const std::string& path, const std::function<void(double)>& progress)>;

}  // namespace attnscope
