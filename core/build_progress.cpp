#include "core/build_progress.hpp"

#include <utility>

namespace attnscope {

namespace {

thread_local BuildProgressScope* current = nullptr;
thread_local int64_t last_permille = -1;

}  // namespace

BuildProgressScope::BuildProgressScope(std::function<void(double)> report)
    : report_(std::move(report)), outer_(current) {
  current = this;
  last_permille = -1;
}

BuildProgressScope::~BuildProgressScope() { current = outer_; }

void build_progress(int64_t done, int64_t total) {
  if (current == nullptr || !current->report_ || total <= 0) return;
  const int64_t permille = done * 1000 / total;
  if (permille == last_permille) return;
  last_permille = permille;
  current->report_(static_cast<double>(done) / static_cast<double>(total));
}

}  // namespace attnscope
