#include "core/base/phase_clock.hpp"

#include <chrono>
#include <ctime>

namespace attnscope {

namespace {

thread_local PhaseClock* current = nullptr;

// The processor's time-stamp counter where there is one (constant rate on current x86), else
// the steady clock's nanoseconds.
uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_ia32_rdtsc();
#else
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

PhaseClock::PhaseClock() : since_(ticks()), started_(thread_cpu_seconds()), outer_(current) {
  current = this;
}

PhaseClock::~PhaseClock() { current = outer_; }

std::array<double, kPhaseCount> PhaseClock::seconds() const {
  std::array<uint64_t, kPhaseCount> spent = ticks_;
  spent[static_cast<int>(current_)] += ticks() - since_;
  const double cpu = thread_cpu_seconds() - started_;
  uint64_t total = 0;
  for (uint64_t t : spent) total += t;
  std::array<double, kPhaseCount> out{};
  if (total == 0) return out;
  for (int i = 0; i < kPhaseCount; ++i) out[i] = cpu * static_cast<double>(spent[i]) / static_cast<double>(total);
  return out;
}

void phase_enter(Phase phase) {
  if (current == nullptr || phase == current->current_) return;
  const uint64_t now = ticks();
  current->ticks_[static_cast<int>(current->current_)] += now - current->since_;
  current->current_ = phase;
  current->since_ = now;
}

}  // namespace attnscope
