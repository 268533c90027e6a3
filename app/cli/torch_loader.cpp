#include "app/cli/torch_loader.hpp"

#include <dlfcn.h>

#include <string>

#include "core/scene.hpp"

namespace attnscope {

const TorchModule& torch_module() {
  static const TorchModule* module = [] {
    // The build records where it put the module; the binary runs from its build tree.
    void* handle = dlopen(ATTNSCOPE_TORCH_MODULE, RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      throw SceneError(std::string("torch: cannot load the LibTorch reference module (") +
                       dlerror() + "); rebuild with scripts/run");
    using Entry = const TorchModule* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "attnscope_torch_module"));
    if (!entry) throw SceneError("torch: the LibTorch module has no entry point; rebuild it");
    return entry();
  }();
  return *module;
}

}  // namespace attnscope
