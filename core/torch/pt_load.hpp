#pragma once
#include <string>

#include "core/tensors/mask_tensor.hpp"

namespace attnscope {

// Reads a tensor saved with torch.save (the zip format) through LibTorch's unpickler.
MaskTensor pt_load(const std::string& path);
// Writes one the way torch.save does; tests use it to make fixtures.
void pt_save(const MaskTensor& tensor, const std::string& path);

}  // namespace attnscope
