// The heatmap's legend and head headers say what each step shows: the grey cells are named by the
// one rule GUI and figures share, which never calls a computed cell "never computed", and no head
// is said to leak before the mask step exists.
#include <gtest/gtest.h>

#include <cmath>

#include "core/analysis/analysis.hpp"
#include "core/figure/views.hpp"
#include "core/presentation/step_scores.hpp"
#include "tests/figure/figure_test_support.hpp"

namespace attnscope {
namespace {

TEST(FigureStepLegend, GreyCellsAreNamedForWhatTheStepComputed) {
  const auto a = analyze(Scene{});
  // Query 0 and key 1 share head 0's first group: the group's 4×4 block computes their score and
  // the causal mask then drops it, so the cell is computed and masked.
  const std::vector<float> scores = step_scores(*a, 0);
  ASSERT_FALSE(scores.empty());
  EXPECT_TRUE(std::isfinite(scores[0 * a->n() + 1]));
  EXPECT_FALSE(a->build.masks[0].contains(0, 1));
  const auto& steps = a->trace().steps;
  int mask_step = -1;
  for (size_t k = 0; k < steps.size(); ++k)
    if (steps[k].name == "mask") mask_step = static_cast<int>(k);
  ASSERT_GT(mask_step, 0);
  for (int k = 0; k < static_cast<int>(steps.size()); ++k) {
    SCOPED_TRACE(steps[k].name);
    FigureOptions o;
    o.step = k;
    const std::string text = test::all_text(figure::view_heatmap(*a, o));
    const StepCells cells = step_cells(*a, k);
    EXPECT_NE(text.find(masked_cells_label(cells)), std::string::npos) << text;
    EXPECT_EQ(text.find("never computed"), std::string::npos) << text;
    // Head 1 leaks 4 cells, and says so only from the mask step on.
    EXPECT_EQ(text.find("4 leaks") != std::string::npos, k >= mask_step) << text;
  }
}

}  // namespace
}  // namespace attnscope
