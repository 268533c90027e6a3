// An audited module in the compare view: the module itself is A (its analysis, which no scene
// rebuilds), compared with the variants given by --compare, or with S2 and its fixed mask.
#include <gtest/gtest.h>

#include "app/gui/apply.hpp"
#include "app/gui/startup.hpp"
#include "core/presentation/compare.hpp"
#include "tests/support/scene_builder.hpp"

namespace attnscope::test {
namespace {

// Stands in for audit_analysis(): an analysis whose scene names a module, not a variant, and
// carries the variants to compare with (the asked scene's, or S2's pair; tests/cli/audit_test.cpp
// checks the real one).
std::shared_ptr<const Analysis> module_analysis(std::vector<std::string> compare = {"s2", "s2-fix-mask"}) {
  Analysis copy = *analyze(test_scene({.variant = "s2"}));
  copy.scene.variant = "model.pt";
  copy.scene.compare = std::move(compare);
  return std::make_shared<const Analysis>(std::move(copy));
}

TEST(AuditCompare, TheModuleIsAAndTheGivenVariantsFollow) {
  GuiRequest request;
  request.audit = module_analysis({"s2-fix-mask"});
  request.scene = test_scene({.variant = "s2", .compare = {"s2-fix-mask"}});
  request.compare_view = true;
  AppState state;
  state_open(state, request, Settings{}, "");
  ASSERT_EQ(state.analysis, request.audit);
  EXPECT_EQ(state.view.compare_variants, (std::vector<std::string>{"model.pt", "s2-fix-mask"}));
  ASSERT_EQ(state.compare_errors.size(), 2u);
  EXPECT_EQ(state.compare_errors[0], "") << "the module is not analysed again";
  EXPECT_EQ(state.compare_errors[1], "");
  const auto fixed = state.cache.peek(scene_hash(compare_scene(state.scene, "s2-fix-mask")));
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->metrics.total_leaks, 0);
}

TEST(AuditCompare, WithoutACompareListAModuleMeetsS2AndItsFix) {
  GuiRequest request;
  request.audit = module_analysis();
  request.compare_view = true;
  AppState state;
  state_open(state, request, Settings{}, "");
  EXPECT_EQ(state.view.compare_variants, (std::vector<std::string>{"model.pt", "s2", "s2-fix-mask"}));
}

}  // namespace
}  // namespace attnscope::test
