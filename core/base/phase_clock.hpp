#pragma once
// Where a long build spends its time, phase by phase: a benchmark opens a PhaseClock on its
// thread, and the build says which phase it enters (scoring, selection, masks, trace). Without a
// clock on the thread entering a phase is one thread-local read, so builds stay measurable at no
// cost to the product.
#include <array>
#include <cstdint>

namespace attnscope {

// Scoring: the products and softmaxes a kernel needs. Selection: ranking them (top-k). Masks: the
// row runs. Trace: the steps and provenance the GUI shows. Other: whatever no phase claims.
enum class Phase { Other, Scoring, Selection, Masks, Trace };
inline constexpr int kPhaseCount = 5;

// Active on this thread from construction to destruction; an inner clock replaces an outer one.
// Time starts in Phase::Other. Builds enter phases per row, millions of times, so the phases
// count processor ticks (a few nanoseconds to read) and share out by them the thread's CPU time,
// which a machine shared with other work disturbs less than wall time.
class PhaseClock {
 public:
  PhaseClock();
  ~PhaseClock();
  PhaseClock(const PhaseClock&) = delete;
  PhaseClock& operator=(const PhaseClock&) = delete;

  // Seconds of this thread's CPU time spent in each phase so far (indexed by Phase), the running
  // one included.
  std::array<double, kPhaseCount> seconds() const;

 private:
  friend void phase_enter(Phase phase);
  std::array<uint64_t, kPhaseCount> ticks_{};
  Phase current_ = Phase::Other;
  uint64_t since_;
  double started_;  // the thread's CPU seconds at construction
  PhaseClock* outer_;
};

// The work from here on belongs to `phase`, until the next phase_enter; nothing without a clock.
void phase_enter(Phase phase);

}  // namespace attnscope
