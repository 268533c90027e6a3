#pragma once
// Progress from inside a variant's build, which takes no callback: analyze() opens a scope that
// maps the build's own fraction onto its share of the analysis, and the long loops of a build (a
// data-dependent variant scoring every earlier key of every query, head after head) report
// through it. The report is also where a cancel (Ctrl-C, Esc) reaches them: the scope's callback
// may throw AnalysisCancelled.
#include <cstdint>
#include <functional>

namespace attnscope {

// Active on this thread from construction to destruction; an inner scope replaces an outer one.
class BuildProgressScope {
 public:
  explicit BuildProgressScope(std::function<void(double)> report);
  ~BuildProgressScope();
  BuildProgressScope(const BuildProgressScope&) = delete;
  BuildProgressScope& operator=(const BuildProgressScope&) = delete;

 private:
  friend void build_progress(int64_t done, int64_t total);
  std::function<void(double)> report_;
  BuildProgressScope* outer_;
};

// `done` of `total` units of the current build; nothing without a scope on this thread. Calls
// are cheap (the callback runs at most once per 1/1000 of the work), so a loop may report every
// row.
void build_progress(int64_t done, int64_t total);

}  // namespace attnscope
