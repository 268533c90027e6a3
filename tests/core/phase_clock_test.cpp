// The phase clock the benchmarks split builds with: time lands in the phase entered last, an inner
// clock hides the outer one, and without a clock entering a phase records nothing.
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>

#include "core/base/phase_clock.hpp"

namespace attnscope {
namespace {

// CPU work the clock can see (it counts the thread's CPU time, which sleeping does not use).
void work(int units) {
  volatile uint64_t sink = 0;
  for (int64_t i = 0; i < int64_t{units} * 2000000; ++i) sink = sink + static_cast<uint64_t>(i);
}
int at(Phase p) { return static_cast<int>(p); }

TEST(PhaseClock, TimeLandsInThePhaseEnteredLast) {
  phase_enter(Phase::Masks);  // no clock: nothing to record
  const PhaseClock clock;
  work(1);
  phase_enter(Phase::Scoring);
  work(8);
  phase_enter(Phase::Selection);
  phase_enter(Phase::Selection);  // entering the running phase again changes nothing
  work(1);
  const auto s = clock.seconds();
  EXPECT_GT(s[at(Phase::Other)], 0.0);
  EXPECT_GT(s[at(Phase::Selection)], 0.0);  // the running phase counts up to now
  EXPECT_EQ(s[at(Phase::Masks)], 0.0);
  EXPECT_EQ(s[at(Phase::Trace)], 0.0);
  EXPECT_GT(s[at(Phase::Scoring)], 0.0);
  // The shares are of this thread's CPU time: together they are at most what it has used.
  timespec used{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
  EXPECT_LE(s[0] + s[1] + s[2] + s[3] + s[4], static_cast<double>(used.tv_sec) + used.tv_nsec * 1e-9);
}

TEST(PhaseClock, AnInnerClockHidesTheOuterOneForItsLifetime) {
  const PhaseClock outer;
  {
    const PhaseClock inner;
    phase_enter(Phase::Trace);
    work(1);
    EXPECT_GT(inner.seconds()[at(Phase::Trace)], 0.0);
  }
  EXPECT_EQ(outer.seconds()[at(Phase::Trace)], 0.0);
  phase_enter(Phase::Masks);
  work(1);
  EXPECT_GT(outer.seconds()[at(Phase::Masks)], 0.0);
}

}  // namespace
}  // namespace attnscope
