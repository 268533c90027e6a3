#include "core/base/progress_scope.hpp"

#include <utility>

namespace attnscope {

namespace {

thread_local ProgressScope* current = nullptr;

}  // namespace

ProgressScope::ProgressScope(std::function<void(double)> report) : report_(std::move(report)), outer_(current) {
  current = this;
}

ProgressScope::~ProgressScope() { current = outer_; }

ProgressSpan::ProgressSpan(double begin, double end)
    : scope_([outer = current, begin, end](double fraction) {
        if (outer != nullptr && outer->report_) outer->report_(begin + (end - begin) * fraction);
      }) {}

void progress_report(int64_t done, int64_t total) {
  if (current == nullptr || !current->report_ || total <= 0) return;
  const int64_t permille = done * 1000 / total;
  if (permille == current->last_permille_) return;
  current->last_permille_ = permille;
  current->report_(static_cast<double>(done) / static_cast<double>(total));
}

}  // namespace attnscope
