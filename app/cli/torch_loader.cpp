#include "app/cli/torch_loader.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "app/cli/isolated_run.hpp"
#include "core/base/input_error.hpp"
#include "core/base/install_layout.hpp"
#include "core/tensors/pt_reader.hpp"

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

// .pt files (masks, q/k/v) are read through the LibTorch module, loaded only when such a file is
// opened, in a child process: LibTorch 1.13's reader is not safe on damaged files (a few hundred
// bytes can make it crash, corrupt its heap or ask for gigabytes), and lint and File > Open must
// answer every file with a message. The budget leaves room for the largest mask pt_load accepts (2^28
// floats) held twice, as values and as the bytes sent back, and for the file itself.
MaskTensor pt_load_on_demand(const std::string& path) {
  std::error_code error;
  const auto bytes = std::filesystem::file_size(path, error);
  if (error || !std::filesystem::is_regular_file(path))
    throw InputError("file: cannot open '" + path + "'; check the path");
  IsolationLimits limits;
  limits.memory_mib = 3072 + 4 * static_cast<int64_t>(bytes >> 20);
  limits.seconds = 120;
  IsolationWording wording;
  wording.process = "LibTorch's reader";
  wording.died = "the file is damaged or was not written by torch.save";
  wording.slow = wording.memory = "the file is damaged, or too large for a .pt file: save large tensors "
                                  "with numpy.save, which is read from disk as needed";
  return mask_tensor_parse(isolated_run(
      [] {
        // What LibTorch and the C library print about a damaged file ("free(): invalid size")
        // would come before the one-line report.
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
          dup2(null, STDERR_FILENO);
          close(null);
        }
        torch_module();
      },
      [&](const IsolatedProgress&) { return mask_tensor_serialize(torch_module().pt_load(path)); },
      limits, "file: " + path, {}, wording));
}

[[maybe_unused]] const bool pt_reader_registered = (pt_reader_set(pt_load_on_demand), true);

}  // namespace
}  // namespace attnscope
