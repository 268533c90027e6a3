#include "app/cli/isolated_run.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <new>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {

// The child writes progress frames (kProgress and a double) and then one final message (a kind
// byte and its text) that runs to the end of the pipe.
constexpr char kResult = 'R', kError = 'E', kMemory = 'M', kProgress = 'P';
constexpr size_t kProgressFrame = 1 + sizeof(double);

void write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

int64_t address_space_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0;
  statm >> pages;
  return pages * sysconf(_SC_PAGESIZE);
}

[[noreturn]] void child_main(int fd, const std::function<void()>& prepare, const IsolatedJob& job,
                             const IsolationLimits& limits) {
  std::string message;
  try {
    prepare();
    const rlim_t budget = static_cast<rlim_t>(address_space_bytes() + limits.memory_mib * (int64_t{1} << 20));
    const rlimit memory{budget, budget};
    setrlimit(RLIMIT_AS, &memory);
    const IsolatedProgress report = [fd](double fraction) {
      std::string frame(kProgressFrame, kProgress);
      std::memcpy(frame.data() + 1, &fraction, sizeof fraction);
      write_all(fd, frame);
    };
    message = kResult + job(report);
  } catch (const std::bad_alloc&) {
    message = std::string(1, kMemory);
  } catch (const std::exception& e) {
    message = kError + std::string(e.what());
  }
  write_all(fd, message);
  close(fd);
  _exit(0);  // no atexit handlers or static destructors of the parent's copy
}

// Hands the progress frames at the front of `stream` to `progress` and removes them; stops at the
// final message, which follows the last frame.
void take_progress_frames(std::string& stream, size_t& consumed, double& last, const IsolatedProgress& progress) {
  while (stream.size() - consumed >= kProgressFrame && stream[consumed] == kProgress) {
    std::memcpy(&last, stream.data() + consumed + 1, sizeof last);
    consumed += kProgressFrame;
    if (progress) progress(last);
  }
}

}  // namespace

std::string isolated_run(const std::function<void()>& prepare, const IsolatedJob& job,
                         const IsolationLimits& limits, const std::string& what,
                         const IsolatedProgress& progress, const IsolationWording& wording) {
  int fds[2];
  if (pipe(fds) != 0) throw InputError(what + ": cannot create a pipe (" + std::strerror(errno) + ")");
  const pid_t pid = fork();
  if (pid < 0) throw InputError(what + ": cannot start a child process (" + std::strerror(errno) + ")");
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1], prepare, job, limits);
  }
  close(fds[1]);
  std::string stream;
  size_t consumed = 0;  // progress frames already handed on
  double last = 0.0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limits.seconds);
  bool timed_out = false;
  char buffer[1 << 16];
  const auto reap = [&](bool killed) {
    close(fds[0]);
    if (killed) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  };
  try {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        break;
      }
      pollfd p{fds[0], POLLIN, 0};
      const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready == 0) {
        if (progress) progress(last);  // lets the caller cancel while the child is quiet
        continue;
      }
      const ssize_t n = read(fds[0], buffer, sizeof buffer);
      if (n <= 0) break;
      stream.append(buffer, static_cast<size_t>(n));
      take_progress_frames(stream, consumed, last, progress);
    }
  } catch (...) {
    reap(true);
    throw;
  }
  const int status = reap(timed_out);
  const std::string payload = stream.substr(consumed);
  if (timed_out)
    throw InputError(fmt::format("{}: did not finish within {} s; {}", what, limits.seconds, wording.slow));
  if (WIFSIGNALED(status))
    throw InputError(fmt::format("{}: {} died ({}); {}", what, wording.process,
                                 strsignal(WTERMSIG(status)), wording.died));
  if (payload.empty()) throw InputError(what + ": " + wording.process + " ended without a result");
  if (payload[0] == kMemory)
    throw InputError(fmt::format("{}: {} needed more than the memory budget of {} MiB; {}", what,
                                 wording.process, limits.memory_mib, wording.memory));
  if (payload[0] == kError) throw InputError(payload.substr(1));
  return payload.substr(1);
}

}  // namespace attnscope
