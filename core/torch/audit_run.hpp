#pragma once
// The LibTorch side of `audit`: loads a TorchScript module, measures which input tokens each
// output token depends on, and records the module's own tensor steps.
#include <functional>

#include "core/analysis/audit.hpp"

namespace attnscope {

// Called after each forward pass with (passes done, passes planned).
using AuditProgress = std::function<void(int, int)>;

// Throws InputError for unusable input: no forward, an exception inside the module (its
// message is kept), an output whose first axes are not (B, N).
AuditResult audit_run(const AuditOptions& options, const AuditProgress& progress);

}  // namespace attnscope
