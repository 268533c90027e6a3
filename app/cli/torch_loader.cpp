#include "app/cli/torch_loader.hpp"

#include <dlfcn.h>

#include <string>

#include "core/install_layout.hpp"
#include "core/mask_file.hpp"
#include "core/input_error.hpp"

namespace attnscope {

const TorchModule& torch_module() {
  static const TorchModule* module = [] {
    // Beside the executable, as installed (<prefix>/lib/attnscope) and as built (build/lib/attnscope).
    const std::string path = (install_module_dir() / ATTNSCOPE_TORCH_MODULE_NAME).string();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle)
      throw InputError(std::string("torch: cannot load the LibTorch reference module (") + dlerror() +
                       "); reinstall attnscope or rebuild it with scripts/run");
    using Entry = const TorchModule* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(handle, "attnscope_torch_module"));
    if (!entry) throw InputError("torch: the LibTorch module has no entry point; rebuild it");
    return entry();
  }();
  return *module;
}

}  // namespace attnscope

namespace attnscope {
namespace {

// .pt mask files read through the LibTorch module, loaded only when such a file is opened.
MaskTensor pt_load_on_demand(const std::string& path) { return torch_module().pt_load(path); }

[[maybe_unused]] const bool pt_reader_registered = (mask_file_set_pt_reader(pt_load_on_demand), true);

}  // namespace
}  // namespace attnscope
