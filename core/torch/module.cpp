#include "core/torch/module.hpp"

#include "core/torch/pt_load.hpp"

extern "C" const attnscope::TorchModule* attnscope_torch_module() {
  static const attnscope::TorchModule module{attnscope::reference_run, attnscope::pt_load,
                                                  attnscope::audit_run, attnscope::lab_run};
  return &module;
}
