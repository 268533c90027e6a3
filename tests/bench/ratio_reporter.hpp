#pragma once
// Benchmarks report ratios against a baseline measured in the same run, because absolute times
// on shared CI machines mean little. Each benchmark named "<workload>/<contender>" is compared
// with "<workload>/<baseline>" after the run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace attnscope::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs)
      if (run.run_type == Run::RT_Iteration) {
        const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
        seconds_[run.benchmark_name()] = run.GetAdjustedRealTime() / unit;
        cpu_seconds_[run.benchmark_name()] = run.GetAdjustedCPUTime() / unit;
        for (const auto& [counter, value] : run.counters) counters_[run.benchmark_name()][counter] = value.value;
      }
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
  // For the contenders with the `parts` counters (CPU seconds per iteration, e.g. a build's
  // phases): each part / the baseline's CPU time, in a table, beside the whole's CPU time ratio.
  void print_part_ratios(const std::string& baseline, const std::vector<std::string>& parts) const {
    std::printf("\nparts against %s, CPU time, same run:\n  %-40s %8s", baseline.c_str(), "", "whole");
    for (const std::string& part : parts) std::printf(" %9s", part.c_str());
    std::printf("\n");
    for (const auto& [name, counters] : counters_) {
      const size_t slash = name.rfind('/');
      const auto base =
          slash == std::string::npos ? cpu_seconds_.end() : cpu_seconds_.find(name.substr(0, slash) + "/" + baseline);
      if (base == cpu_seconds_.end() || name.substr(slash + 1) == baseline) continue;
      std::printf("  %-40s %7.3fx", name.c_str(), cpu_seconds_.at(name) / base->second);
      for (const std::string& part : parts) {
        const auto found = counters.find(part);
        if (found == counters.end()) std::printf(" %9s", "-");
        else std::printf(" %8.3fx", found->second / base->second);
      }
      std::printf("\n");
    }
  }

 private:
  std::map<std::string, double> seconds_, cpu_seconds_;
  std::map<std::string, std::map<std::string, double>> counters_;
};

}  // namespace attnscope::bench
