#pragma once
// Comparing variants: the same scene under another variant, the cells that differ, and their
// colours. The GUI's compare view and the exported compare figure both use these, so they pair
// the same analyses and paint a difference the same colour.
#include <string>
#include <vector>

#include "core/analysis/analysis.hpp"
#include "core/cells/row_runs.hpp"
#include "core/presentation/colormap.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

// The scene `variant` is compared under: the same seed, sizes and policy (so the same q, k, v);
// the parameters `variant` declares are kept, the others dropped (they belong to the first
// variant), and it compares with nothing itself.
Scene compare_scene(const Scene& scene, const std::string& variant);

// What is compared when nobody chose: the scene's variant first, then the scene's `compare` list
// or else the variant's declared relatives; known variants only, none twice, at most
// kCompareMaxVariants in all. The GUI's compare view and `export --view compare` both start here.
constexpr size_t kCompareMaxVariants = 4;
std::vector<std::string> compare_variants(const Scene& scene);
// `variants` with each name once, first place kept: no variant is compared with itself (an
// all-"both" difference of a variant against its own copy says nothing).
std::vector<std::string> compare_distinct(const std::vector<std::string>& variants);

// The compared variants' names in tables and headers: "A", "B", ...
std::string compare_letter(size_t index);

// The metrics table of a comparison, the same in the GUI and in figures: its column names, then
// one row per analysis, formatted.
std::vector<std::string> compare_columns(const std::string& policy);
std::vector<std::string> compare_row(const Analysis& analysis);
constexpr size_t kCompareLeaksColumn = 4;

enum class DiffOp { AMinusB, BMinusA, Both };
RowRuns diff_cells(const RowRuns& a, const RowRuns& b, DiffOp op);
// Okabe–Ito picks that stay apart for colour-blind readers: vermillion, blue, bluish green.
Rgb8 diff_color(DiffOp op);

}  // namespace attnscope
