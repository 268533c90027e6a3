#pragma once
// A running `attnscope gui` (no screenshot: it runs until it is stopped) that reports its state
// through --state-out, closed when the test ends: the tests that drive the live window with X
// events and the ones that read its layout report start it the same way.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace attnscope::test {

class LiveGui {
 public:
  // `folder`: the working folder, where File > Open starts; empty: the test's own.
  explicit LiveGui(std::vector<std::string> args, const std::string& folder = {}) {
    state_path_ = std::string(::testing::TempDir()) + "attnscope_live_" + std::to_string(getpid()) + ".json";
    std::remove(state_path_.c_str());
    std::vector<std::string> argv{ATTNSCOPE_BINARY, "gui", "--no-settings", "--state-out", state_path_};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!folder.empty()) posix_spawn_file_actions_addchdir_np(&actions, folder.c_str());
    if (posix_spawn(&pid_, raw[0], &actions, nullptr, raw.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~LiveGui() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(state_path_.c_str());
  }
  LiveGui(const LiveGui&) = delete;
  LiveGui& operator=(const LiveGui&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // The last state written, or null before the first or while it is being replaced.
  nlohmann::json state() const {
    std::ifstream in(state_path_);
    if (!in) return nullptr;
    try {
      return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception&) {
      return nullptr;
    }
  }

  // Waits up to `seconds` for `ok(state)`; returns the last state seen.
  nlohmann::json wait_for(const std::function<bool(const nlohmann::json&)>& ok, double seconds = 10.0) const {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    nlohmann::json s;
    while (std::chrono::steady_clock::now() < end) {
      s = state();
      if (!s.is_null() && ok(s)) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return s;
  }

 private:
  pid_t pid_ = -1;
  std::string state_path_;
};

}  // namespace attnscope::test
