// After File > Open of a module, the scene fields say what the module ran with: the sizes the
// audit gave it and the module's own group size, not a default the module never saw. A module
// that fails at the scene's sizes says which sizes those were, until the note is dismissed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/analysis/audit_analysis.hpp"
#include "core/base/input_error.hpp"
#include "tests/gui_logic/gui_harness.hpp"

namespace attnscope::test {
namespace {

namespace fs = std::filesystem;

fs::path module_file(const std::string& name) {
  const fs::path folder = fs::path(::testing::TempDir()) / "attnscope_audit_fields";
  fs::create_directories(folder);
  std::ofstream(folder / name) << "not a saved tensor";
  return folder / name;
}

// Stands in for LibTorch's measurement: a module whose dependencies and steps are those of
// `module`'s scene, read through the real audit_analysis() at the sizes the GUI asked for.
ModuleAuditor auditor_of(const Scene& module) {
  return [module](const Scene& sizes, const std::string& path, const std::function<void(double)>&) {
    const auto measured = analyze(module);
    AuditResult result;
    result.per_head = true;
    result.dependencies = measured->build.masks;
    result.steps = measured->trace();
    AuditOptions options;
    options.file = path;
    options.n = sizes.n;
    options.heads = sizes.heads;
    options.d = sizes.d;
    options.batch = sizes.batch;
    return audit_analysis(result, options, sizes);
  };
}

TEST(AuditFields, AModuleThatGroupsBySixShowsGSixWhereTheSceneSaidFour) {
  AppState state = state_with(test_scene({.n = 24, .g = 4}));
  state.audit_module = auditor_of(test_scene({.n = 24, .g = 6}));
  apply(state, action::OpenFile{module_file("s2_g6.pt").string()});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_EQ(state.scene.variant, "s2_g6.pt") << (state.toast ? state.toast->text : "");
  EXPECT_EQ(state.scene.g, 6) << "the module's own group size";
  EXPECT_EQ(state.scene.n, 24);
  EXPECT_EQ(state.scene.heads, 2);
  EXPECT_EQ(state.analysis->scene.g, 6);
}

TEST(AuditFields, AModuleWithoutGroupsKeepsTheGTheSceneHad) {
  AppState state = state_with(test_scene({.variant = "full", .n = 20, .g = 5}));
  state.audit_module = auditor_of(test_scene({.variant = "full", .n = 20}));
  apply(state, action::OpenFile{module_file("dense.pt").string()});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_EQ(state.scene.variant, "dense.pt") << (state.toast ? state.toast->text : "");
  EXPECT_EQ(state.scene.g, 5);
}

TEST(AuditFields, AModuleThatFailsSaysWhatItRanWithUntilDismissed) {
  AppState state = state_with(test_scene({.heads = 1}));
  state.audit_module = [](const Scene&, const std::string&, const std::function<void(double)>&) -> std::shared_ptr<const Analysis> {
    throw InputError("heads.pt: the module raised: RuntimeError: Expected 2 elements in a list but found 1; forward was "
                     "called with a tensor of shape (1, 16, 3, 1, 8); if the module expects other sizes, give them "
                     "with --n, --heads, --d or --g");
  };
  apply(state, action::OpenFile{module_file("heads.pt").string()});
  for (const Action& a : jobs_wait(state)) apply(state, a);
  ASSERT_TRUE(state.toast);
  EXPECT_TRUE(state.toast->error);
  EXPECT_NE(state.toast->text.find("the module ran with N = 16, H = 1, D = 8, B = 1 from the current scene; set "
                                   "\"N tokens\", \"H heads\", \"D dim\" to the sizes it expects"),
            std::string::npos)
      << state.toast->text;
  tick(state, 60.f);
  ASSERT_TRUE(state.toast) << "an error note stays until it is dismissed";
  // Drawn whole: no glyph of it is cut and nothing of it lies past the note's edge.
  GuiHarness gui;
  gui.frame(state);
  gui.frame(state);
  EXPECT_TRUE(gui.report.clipped_glyphs.empty());
  for (const auto& o : gui.report.overflows) EXPECT_EQ(o.panel.find("toast"), std::string::npos) << o.panel;
  apply(state, action::DismissToast{});
  EXPECT_FALSE(state.toast);
}

}  // namespace
}  // namespace attnscope::test
