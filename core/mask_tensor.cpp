#include "core/mask_tensor.hpp"

namespace attnscope {

const MaskTensor* MaskTensor::entry(const std::string& name) const {
  for (size_t i = 0; i < entry_names.size(); ++i)
    if (entry_names[i] == name) return &entries[i];
  return nullptr;
}

}  // namespace attnscope
