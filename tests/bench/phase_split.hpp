#pragma once
// A variant's build timed whole and split into the phases it enters (core/base/phase_clock):
// each phase's CPU seconds per iteration become a counter named after it, and "routing" the scoring
// and selection together (what a kernel must do), which RatioReporter divides by the same
// baseline as the whole build.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "core/base/phase_clock.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"

namespace attnscope::bench {

inline constexpr std::array<const char*, kPhaseCount> kPhaseNames = {"other", "scoring", "selection", "masks",
                                                                      "trace"};

// q, k and v are generated once, before timing; the build's result is freed inside the clock,
// as Phase::Other.
inline void phased_build(benchmark::State& state, const Scene& scene) {
  const Qkv qkv = qkv_generate(scene);
  const Variant& variant = *variant_find(scene.variant);
  std::array<double, kPhaseCount> total{};
  for (auto _ : state) {
    const PhaseClock clock;
    {
      const VariantBuild built = variant.build(scene, qkv);
      benchmark::DoNotOptimize(built.masks.size());
      phase_enter(Phase::Other);
    }
    const std::array<double, kPhaseCount> seconds = clock.seconds();
    for (int i = 0; i < kPhaseCount; ++i) total[i] += seconds[i];
  }
  for (int i = 0; i < kPhaseCount; ++i)
    state.counters[kPhaseNames[i]] = benchmark::Counter(total[i], benchmark::Counter::kAvgIterations);
  state.counters["routing"] = benchmark::Counter(
      total[static_cast<int>(Phase::Scoring)] + total[static_cast<int>(Phase::Selection)],
      benchmark::Counter::kAvgIterations);
}

// The columns of RatioReporter::print_part_ratios for phased builds.
inline std::vector<std::string> phase_columns() {
  return {"routing", "scoring", "selection", "masks", "trace", "other"};
}

}  // namespace attnscope::bench
