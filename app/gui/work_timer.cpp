#include "app/gui/work_timer.hpp"

#include <time.h>

#include <algorithm>
#include <map>

namespace attnscope {

namespace {

thread_local WorkItem longest;
thread_local std::map<std::string, double> longest_by_name;
thread_local double frame_ms = 0.0, most_in_a_frame_ms = 0.0;

// The calling thread's CPU time: the workers' jobs and other processes do not count.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

}  // namespace

WorkTimer::WorkTimer(const char* name) : name_(name), start_ms_(thread_cpu_ms()) {}

WorkTimer::~WorkTimer() {
  const double ms = thread_cpu_ms() - start_ms_;
  if (ms > longest.ms) longest = {name_, ms};
  double& by_name = longest_by_name[name_];
  by_name = std::max(by_name, ms);
  frame_ms += ms;
}

WorkItem work_longest() { return longest; }

std::vector<WorkItem> work_items() {
  std::vector<WorkItem> items;
  for (const auto& [name, ms] : longest_by_name) items.push_back({name, ms});
  return items;
}

void work_frame_end() {
  most_in_a_frame_ms = std::max(most_in_a_frame_ms, frame_ms);
  frame_ms = 0.0;
}

double work_most_in_a_frame_ms() { return most_in_a_frame_ms; }

}  // namespace attnscope
