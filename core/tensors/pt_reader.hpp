#pragma once
// .pt files are read by LibTorch, which core does not link: the app registers the reader of its
// LibTorch module here, and mask files and tensor files read .pt files through it.
#include <string>
#include <string_view>

#include "core/tensors/mask_tensor.hpp"

namespace attnscope {

using PtReader = MaskTensor (*)(const std::string& path);
void pt_reader_set(PtReader reader);

// The file's tensor, or its dict of tensors. Throws InputError when no reader is registered,
// naming the formats read without LibTorch (`instead`: "use .npy").
MaskTensor pt_read(const std::string& path, std::string_view instead);

}  // namespace attnscope
