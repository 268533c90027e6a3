#pragma once
// Comparing variants: the same scene under another variant, the cells that differ, and their
// colours. The GUI's compare view and the exported compare figure both use these, so they pair
// the same analyses and paint a difference the same colour.
#include <string>

#include "core/cells/row_runs.hpp"
#include "core/presentation/colormap.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

// The scene `variant` is compared under: the same seed, sizes and policy (so the same q, k, v);
// the parameters `variant` declares are kept, the others dropped (they belong to the first
// variant), and it compares with nothing itself.
Scene compare_scene(const Scene& scene, const std::string& variant);

enum class DiffOp { AMinusB, BMinusA, Both };
const char* diff_op_label(DiffOp op);  // "A - B", "B - A", "A ∩ B"
RowRuns diff_cells(const RowRuns& a, const RowRuns& b, DiffOp op);
// Okabe–Ito picks that stay apart for colour-blind readers: vermillion, blue, bluish green.
Rgb8 diff_color(DiffOp op);

}  // namespace attnscope
