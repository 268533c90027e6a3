#pragma once
// Runs untrusted work (a user's TorchScript module is code) in a forked child process under a
// memory budget and a time limit, so a crash, an abort, a runaway allocation or an endless loop
// becomes a one-line message instead of taking the command or the GUI down with it.
#include <cstdint>
#include <functional>
#include <string>

namespace attnscope {

struct IsolationLimits {
  int64_t memory_mib = 1024;  // address space the job may add after prepare()
  double seconds = 600;       // wall-clock time for prepare() and the job together
};

// In the child: prepare() (e.g. loading libraries, before the memory limit applies), then
// job(), whose string comes back to the caller. A InputError or other exception in the child
// is rethrown here as InputError with its message; a signal, the time limit or the memory
// budget becomes a InputError that starts with `what`.
std::string isolated_run(const std::function<void()>& prepare, const std::function<std::string()>& job,
                         const IsolationLimits& limits, const std::string& what);

}  // namespace attnscope
