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

// How the failures of a child read, after "<what>: ": "<process> died (<signal>); <died>",
// "did not finish within <seconds> s; <slow>", "<process> needed more than the memory budget of
// <MiB> MiB; <memory>". The defaults speak of an audited module.
struct IsolationWording {
  std::string process = "the module's process";
  std::string died = "audit only modules you trust, and check it runs in Python on the same shapes";
  std::string slow = "raise --timeout or audit a smaller --n";
  std::string memory = "raise --max-memory or audit a smaller --n";
};

// Called with the fraction done (0..1); in the child it sends the fraction to the parent.
using IsolatedProgress = std::function<void(double)>;
using IsolatedJob = std::function<std::string(const IsolatedProgress& report)>;

// In the child: prepare() (e.g. loading libraries, before the memory limit applies), then
// job(report), whose string comes back to the caller. An InputError or other exception in the
// child is rethrown here as InputError with its message; a signal, the time limit or the memory
// budget becomes an InputError that starts with `what`. In the parent, `progress` receives what
// the job reports, and is also called with the last fraction a few times a second, so that it
// can cancel: whatever it throws (AnalysisCancelled) kills the child and propagates.
std::string isolated_run(const std::function<void()>& prepare, const IsolatedJob& job,
                         const IsolationLimits& limits, const std::string& what,
                         const IsolatedProgress& progress = {}, const IsolationWording& wording = {});

}  // namespace attnscope
