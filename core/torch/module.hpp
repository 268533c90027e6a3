#pragma once
// The LibTorch reference is a shared module that the command line loads only when a command
// needs it (verify, lint of a .pt file, audit, train): LibTorch's start-up registers thousands of operators,
// which would otherwise cost every command and the GUI more than half a second.
#include <string>

#include "core/tensors/mask_tensor.hpp"
#include "core/torch/audit_run.hpp"
#include "core/torch/lab_run.hpp"
#include "core/torch/reference.hpp"

namespace attnscope {

struct TorchModule {
  ReferenceResult (*reference_run)(const Scene&, const Qkv&);
  MaskTensor (*pt_load)(const std::string&);
  AuditResult (*audit_run)(const AuditOptions&, const AuditProgress&);
  LabResult (*lab_run)(const LabRunOptions&, const LabProgress&);
};

}  // namespace attnscope

// The module's one exported symbol.
extern "C" const attnscope::TorchModule* attnscope_torch_module();
