#pragma once
// A bound on the memory that the structure of one analysis (masks, leak sets, policy cells) may
// hold. Row sets charge their storage to the budget that was active on their thread when they
// were made, as the storage grows, and give it back when they go; a scene whose structure would
// take gigabytes is therefore refused while it is built, once it passes the bound, instead of
// exhausting the machine's memory.
#include <atomic>
#include <cstdint>
#include <memory>

namespace attnscope {

struct BudgetAccount {
  int64_t limit = 0;
  std::atomic<int64_t> used{0};
};

// Active on this thread from construction to destruction; an inner budget replaces an outer one
// for its lifetime.
class StructureBudget {
 public:
  explicit StructureBudget(int64_t bytes);
  ~StructureBudget();
  StructureBudget(const StructureBudget&) = delete;
  StructureBudget& operator=(const StructureBudget&) = delete;
  int64_t used() const { return account_->used; }

 private:
  std::shared_ptr<BudgetAccount> account_;
  std::shared_ptr<BudgetAccount> outer_;
};

// The storage one set has charged to the budget active when it was made (none outside a budget).
class BudgetCharge {
 public:
  BudgetCharge();
  // A copy is charged to the same budget, for its own storage once it reports it.
  BudgetCharge(const BudgetCharge& other) : account_(other.account_) {}
  BudgetCharge& operator=(const BudgetCharge&) = delete;
  ~BudgetCharge();
  // The set now holds `bytes`; throws SceneError when that takes the budget past its limit.
  void update(int64_t bytes);

 private:
  std::shared_ptr<BudgetAccount> account_;
  int64_t charged_ = 0;
};

}  // namespace attnscope
