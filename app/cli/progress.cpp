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

std::string progress_line(const std::string& what, double fraction, double elapsed_seconds) {
  std::string line = fmt::format("{}: {:3.0f}%", what, 100 * fraction);
  // The rate is a guess until a little time and work have passed.
  if (elapsed_seconds < 2 || fraction < 0.01 || fraction >= 1) return line;
  const double left = elapsed_seconds * (1 - fraction) / fraction;
  if (left < 90) return line + fmt::format(", about {:.0f} s left", left);
  if (left < 5400) return line + fmt::format(", about {:.0f} min left", left / 60);
  return line + fmt::format(", about {:.1f} h left", left / 3600);
}

std::function<void(double)> progress_callback(std::ostream& err, const std::string& what) {
  static const bool installed = [] {
    std::signal(SIGINT, on_interrupt);
    return true;
  }();
  (void)installed;
  const bool terminal = &err == &std::cerr && isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  return [terminal, start, &err, what](double fraction) {
    progress_check_cancel();
    if (!terminal) return;
    // Quick commands stay silent: the line appears only after half a second.
    if (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Padded with spaces: the line can get shorter when the time left does.
    err << fmt::format("\r{:<48}", progress_line(what, fraction, elapsed)) << (fraction >= 1 ? "\r\033[K" : "")
        << std::flush;
  };
}

AnalyzeOptions progress_attach(AnalyzeOptions options, std::ostream& err) {
  options.progress = progress_callback(err, "analysing");
  return options;
}

}  // namespace attnscope
