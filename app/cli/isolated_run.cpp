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

#include "core/input_error.hpp"

namespace attnscope {

namespace {

constexpr char kResult = 'R', kError = 'E', kMemory = 'M';

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

[[noreturn]] void child_main(int fd, const std::function<void()>& prepare,
                             const std::function<std::string()>& job, const IsolationLimits& limits) {
  std::string message;
  try {
    prepare();
    const rlim_t budget = static_cast<rlim_t>(address_space_bytes() + limits.memory_mib * (int64_t{1} << 20));
    const rlimit memory{budget, budget};
    setrlimit(RLIMIT_AS, &memory);
    message = kResult + job();
  } catch (const std::bad_alloc&) {
    message = std::string(1, kMemory);
  } catch (const std::exception& e) {
    message = kError + std::string(e.what());
  }
  write_all(fd, message);
  close(fd);
  _exit(0);  // no atexit handlers or static destructors of the parent's copy
}

}  // namespace

std::string isolated_run(const std::function<void()>& prepare, const std::function<std::string()>& job,
                         const IsolationLimits& limits, const std::string& what) {
  int fds[2];
  if (pipe(fds) != 0) throw InputError(what + ": cannot create a pipe (" + std::strerror(errno) + ")");
  const pid_t pid = fork();
  if (pid < 0) throw InputError(what + ": cannot start a child process (" + std::strerror(errno) + ")");
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1], prepare, job, limits);
  }
  close(fds[1]);
  std::string payload;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limits.seconds);
  bool timed_out = false;
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    payload.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw InputError(fmt::format("{}: did not finish within {} s; raise --timeout or audit a smaller "
                                 "--n", what, limits.seconds));
  if (WIFSIGNALED(status))
    throw InputError(fmt::format("{}: the module's process died ({}); audit only modules you trust, "
                                 "and check it runs in Python on the same shapes",
                                 what, strsignal(WTERMSIG(status))));
  if (payload.empty()) throw InputError(what + ": the module's process ended without a result");
  if (payload[0] == kMemory)
    throw InputError(fmt::format("{}: the module needed more than the memory budget of {} MiB; raise "
                                 "--max-memory or audit a smaller --n", what, limits.memory_mib));
  if (payload[0] == kError) throw InputError(payload.substr(1));
  return payload.substr(1);
}

}  // namespace attnscope
