#pragma once
#include "core/torch/module.hpp"

namespace attnscope {

// Loads the LibTorch module on first use; throws InputError saying how to fix a failed load.
const TorchModule& torch_module();

}  // namespace attnscope
