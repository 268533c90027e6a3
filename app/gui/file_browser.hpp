#pragma once
// The file side of File > Open and drag and drop: what kind a file is, and a folder's listing.
#include <string>
#include <vector>

#include "app/gui/app_state.hpp"

namespace attnscope {

enum class FileKind { Scene, Mask, MaskOrModule, Tensors, Tokens, Unknown };

// By extension: .json scene; .npy a mask (or a packed q, k, v, or attention weights); .pt/.pth
// the same or a TorchScript module; .npz/.safetensors q, k, v (or attention weights).
FileKind file_kind(const std::string& path);
// The extensions File > Open can filter by, in menu order.
const std::vector<std::string>& browser_extensions();
// Sub-folders (hidden ones left out) then files matching `filter` (empty: every FileKind but
// Unknown), each sorted by name. Sets `error` and returns nothing when the folder is unreadable.
std::vector<FileBrowser::Entry> folder_list(const std::string& folder, const std::string& filter, std::string& error);

}  // namespace attnscope
