// The prose a lecture shows (captions, why-lines, explanations, variant descriptions, the routed
// row's scores and roles) writes the scores as QKᵀ/√D and a masked score as −∞, one spelling
// everywhere; the ASCII forms belong to the PyTorch code lines beside them, which stay code.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/presentation/routed_row.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {
namespace {

// The ASCII spellings prose must not use.
void expect_typeset(const std::string& text, const std::string& where) {
  for (const char* ascii : {"-inf", "+inf", "sqrt(D)", "QK^T", "K^T", "q.k"})
    EXPECT_EQ(text.find(ascii), std::string::npos) << where << ": \"" << ascii << "\" in \"" << text << "\"";
}

TEST(ProseTypography, EveryVariantsStepsAndDescriptionUseOneSpelling) {
  for (const Variant* v : variant_all()) {
    const VariantInfo& info = v->info();
    expect_typeset(info.description, info.name + " description");
    expect_typeset(info.source, info.name + " source");
    for (const ParamSpec& p : info.params) expect_typeset(p.help, info.name + " --" + p.name);
    if (info.name == "file") continue;  // a user's mask file: the shared steps, which others show
    Scene scene;
    scene.variant = info.name;
    const auto a = analyze(scene, {.values = false});
    for (int i = 0; i < static_cast<int>(a->trace().steps.size()); ++i) {
      const std::string where = info.name + " step " + std::to_string(i) + " (" + a->trace().steps[i].name + ")";
      const StepText text = step_text(*a, i);
      expect_typeset(text.caption, where + " caption");
      expect_typeset(text.why, where + " why");
      expect_typeset(a->trace().steps[i].explanation, where + " explanation");
    }
  }
}

// The routed row labels each unit with its score: a later block's is −∞ as the scores' own
// legend writes it ("masked (−∞)"), and its role says so too.
TEST(ProseTypography, RoutedRowsWriteMinusInfinity) {
  for (const std::string variant : {"moba", "nsa", "dsa"}) {
    Scene scene;
    scene.variant = variant;
    const auto a = analyze(scene);
    int futures = 0;
    for (int step = 0; step < static_cast<int>(a->trace().steps.size()); ++step) {
      const auto row = routed_row_view(*a, step, 0, 0);  // query 0: every later unit is in its future
      if (!row) continue;
      expect_typeset(routed_marks_legend(*row), variant + " legend");
      for (const RoutedUnit& u : row->units) {
        expect_typeset(u.score, variant + " score");
        expect_typeset(routed_unit_label(u, false), variant + " label");
        expect_typeset(routed_role_name(u.role), variant + " role");
        if (u.role == RoutedRole::Future) {
          ++futures;
          EXPECT_EQ(u.score, "\u2212\u221e") << variant;
        }
      }
    }
    EXPECT_GT(futures, 0) << variant << ": no later unit was shown, so nothing was checked";
  }
}

}  // namespace
}  // namespace attnscope
