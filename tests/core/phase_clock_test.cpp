// The phase clock the benchmarks split builds with: time lands in the phase entered last, an inner
// clock hides the outer one, and without a clock entering a phase records nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/base/phase_clock.hpp"

namespace attnscope {
namespace {

void wait_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
int at(Phase p) { return static_cast<int>(p); }

TEST(PhaseClock, TimeLandsInThePhaseEnteredLast) {
  phase_enter(Phase::Masks);  // no clock: nothing to record
  const PhaseClock clock;
  wait_ms(20);
  phase_enter(Phase::Scoring);
  wait_ms(40);
  phase_enter(Phase::Selection);
  phase_enter(Phase::Selection);  // entering the running phase again changes nothing
  wait_ms(20);
  const auto s = clock.seconds();
  EXPECT_GE(s[at(Phase::Other)], 0.019);
  EXPECT_GE(s[at(Phase::Scoring)], 0.039);
  EXPECT_GE(s[at(Phase::Selection)], 0.019);  // the running phase counts up to now
  EXPECT_EQ(s[at(Phase::Masks)], 0.0);
  EXPECT_EQ(s[at(Phase::Trace)], 0.0);
  EXPECT_LT(s[at(Phase::Other)], s[at(Phase::Scoring)]);
}

TEST(PhaseClock, AnInnerClockHidesTheOuterOneForItsLifetime) {
  const PhaseClock outer;
  {
    const PhaseClock inner;
    phase_enter(Phase::Trace);
    wait_ms(20);
    EXPECT_GE(inner.seconds()[at(Phase::Trace)], 0.019);
  }
  EXPECT_EQ(outer.seconds()[at(Phase::Trace)], 0.0);
  phase_enter(Phase::Masks);
  wait_ms(5);
  EXPECT_GT(outer.seconds()[at(Phase::Masks)], 0.0);
}

}  // namespace
}  // namespace attnscope
