#pragma once
// Progress from inside long computations that take no callback (a variant's build, the receptive
// field): the caller opens a scope with its callback, and the loops inside report through it.
// The report is also where a cancel (Ctrl-C, Esc) reaches them: the scope's callback may throw
// AnalysisCancelled.
#include <cstdint>
#include <functional>

namespace attnscope {

// Active on this thread from construction to destruction; an inner scope replaces an outer one.
class ProgressScope {
 public:
  explicit ProgressScope(std::function<void(double)> report);
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  friend void progress_report(int64_t done, int64_t total);
  friend class ProgressSpan;
  std::function<void(double)> report_;
  ProgressScope* outer_;
  int64_t last_permille_ = -1;
};

// A stretch [begin, end) of the current scope's fraction: reports inside it (0..1 of the stretch)
// land there. Without a scope it reports nothing.
class ProgressSpan {
 public:
  ProgressSpan(double begin, double end);

 private:
  ProgressScope scope_;
};

// `done` of `total` units of the current scope's work; nothing without a scope on this thread.
// Cheap: the callback runs at most once per 1/1000 of the work, so a loop may report every row.
void progress_report(int64_t done, int64_t total);

}  // namespace attnscope
