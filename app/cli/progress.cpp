#include "app/cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>

namespace attnscope {

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_interrupt(int) {
  // A second Ctrl-C ends the process at once, as without the handler.
  if (interrupted.exchange(true)) _exit(130);
}

}  // namespace

void progress_check_cancel() {
  if (interrupted.load()) throw AnalysisCancelled();
}

AnalyzeOptions progress_attach(AnalyzeOptions options, std::ostream& err) {
  static const bool installed = [] {
    std::signal(SIGINT, on_interrupt);
    return true;
  }();
  (void)installed;
  const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  options.progress = [terminal, start, &err](double fraction) {
    progress_check_cancel();
    if (!terminal) return;
    // Quick commands stay silent: the line appears only after half a second.
    if (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) return;
    err << fmt::format("\ranalysing: {:3.0f}%", 100 * fraction) << (fraction >= 1 ? "\r\033[K" : "")
        << std::flush;
  };
  return options;
}

}  // namespace attnscope
