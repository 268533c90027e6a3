// TorchScript files given to audit, loaded as the audit's child process loads them: the loader
// either returns the module with forward's input layout resolved (at N=4, H=2, D=2), or throws
// InputError with a message. Forward itself is not run: a module is code, and what its code does
// (loop, allocate, abort) is the child process's limits to contain (app/cli/isolated_run.hpp);
// what is fuzzed here is the reading of the file. scripts/fuzz counts failures inside LibTorch
// apart, since the child contains them too.
#include <cstdint>
#include <cstdlib>

#include "core/base/input_error.hpp"
#include "core/torch/audit_module.hpp"
#include "tests/fuzz/torch_fuzz.hpp"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  AuditOptions options;
  options.file = fuzz::scratch_file_write(data, size, "module.pt");
  options.batch = 1;
  options.n = 4;
  options.heads = 2;
  options.d = 2;
  try {
    const LoadedModule loaded = audit_load(options);
    if (loaded.layout.shapes.empty()) std::abort();
  } catch (const InputError& e) {
    if (!fuzz::one_printable_line(e.what())) std::abort();
  }
  return 0;
}
