#include "core/cells/structure_budget.hpp"

#include <fmt/format.h>

#include "core/base/input_error.hpp"

namespace attnscope {

namespace {
thread_local std::shared_ptr<BudgetAccount> active_account;
}

StructureBudget::StructureBudget(int64_t bytes)
    : account_(std::make_shared<BudgetAccount>()), outer_(active_account) {
  account_->limit = bytes;
  active_account = account_;
}

StructureBudget::~StructureBudget() { active_account = outer_; }

BudgetCharge::BudgetCharge() : account_(active_account) {}

BudgetCharge::~BudgetCharge() {
  if (account_) account_->used -= charged_;
}

void BudgetCharge::update(int64_t bytes) {
  if (!account_ || bytes == charged_) return;
  const int64_t used = account_->used += bytes - charged_;
  charged_ = bytes;
  if (bytes > 0 && used > account_->limit)
    throw SceneError(fmt::format(
        "n: the masks and leak sets of this scene take more than the memory budget of {} MiB; "
        "raise --max-memory, or reduce --n or --heads",
        account_->limit >> 20));
}

}  // namespace attnscope
