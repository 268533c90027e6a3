#pragma once
// Benchmarks report ratios against a baseline measured in the same run, because absolute times
// on shared CI machines mean little. Each benchmark named "<workload>/<contender>" is compared
// with "<workload>/<baseline>" after the run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

namespace attnscope::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs)
      if (run.run_type == Run::RT_Iteration) seconds_[run.benchmark_name()] = run.GetAdjustedRealTime();
  }
  // Prints contender / baseline for every workload that has both.
  void print_ratios(const std::string& baseline) const {
    std::printf("\nratios against %s, same run:\n", baseline.c_str());
    for (const auto& [name, time] : seconds_) {
      const size_t slash = name.rfind('/');
      if (slash == std::string::npos || name.substr(slash + 1) == baseline) continue;
      const auto base = seconds_.find(name.substr(0, slash) + "/" + baseline);
      if (base == seconds_.end()) continue;
      std::printf("  %-48s %6.3fx\n", name.c_str(), time / base->second);
    }
  }

 private:
  std::map<std::string, double> seconds_;
};

}  // namespace attnscope::bench
