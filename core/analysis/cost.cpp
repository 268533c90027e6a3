#include "core/analysis/cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/base/digits.hpp"
#include "core/base/progress_scope.hpp"
#include "core/scene/qkv.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"
#include "core/variants/grouped.hpp"

namespace attnscope {

double cost_attention_flops(double cells, int d) { return 4.0 * d * cells; }

std::string cost_number_text(double x) {
  if (x < 1e4) return digits_grouped(std::llround(x));
  const char* units[] = {"k", "M", "G", "T", "P"};
  int u = -1;
  while (x >= 1e3 && u < 4) x /= 1e3, ++u;
  return fmt::format("{:.3g} {}", x, units[u]);
}

namespace {

int64_t triangle(int64_t length) { return length * (length + 1) / 2; }

// Causal segments of the given lengths: each is a triangle L(L+1)/2.
// `size` names the segment length in the text: "G" for groups, "B" for blocks.
CostFormula segments_formula(int n, int g, const std::vector<int>& starts, const char* size = "G") {
  std::vector<int> lengths;
  for (size_t i = 0; i < starts.size(); ++i)
    lengths.push_back((i + 1 < starts.size() ? starts[i + 1] : n) - starts[i]);
  CostFormula f;
  for (int l : lengths) f.cells += triangle(l);
  const bool equal = std::all_of(lengths.begin(), lengths.end(), [&](int l) { return l == g; });
  if (equal) {
    f.text = fmt::format("N({}+1)/2 = {}\u00b7{}/2 = {}", size, n, g + 1, f.cells);
    return f;
  }
  // Whole groups of G plus the shorter end pieces.
  int whole = 0;
  std::string parts;
  for (int l : lengths) {
    if (l == g) ++whole;
    else parts += fmt::format(" + {}\u00b7{}/2", l, l + 1);
  }
  f.text = fmt::format("\u03a3 L(L+1)/2 over segments = {}\u00b7{}({}+1)/2{} = {}", whole, size, size, parts, f.cells);
  return f;
}

}  // namespace

std::optional<CostFormula> cost_formula(const Scene& scene, int head) {
  const int n = scene.n, g = scene.g;
  const std::string& v = scene.variant;
  if (v == "full") return CostFormula{cost_full_cells(n), fmt::format("N(N+1)/2 = {}\u00b7{}/2 = {}", n, n + 1, cost_full_cells(n))};
  if ((v == "short" || v == "s2" || v == "s2-fix-mask") && n % g == 0)
    return segments_formula(n, g, segments_equal(n, g));
  if (v == "s2-fix-split") {
    const int s = ((-scene.effective_shift()) % g + g) % g;
    return segments_formula(n, g, grouped_is_shifted_head(scene, head) ? grouped_split_boundaries(n, g, s)
                                                                       : segments_equal(n, g));
  }
  if (v == "block" && scene_param_text(scene, "layout") == "local") {
    const std::string b = scene_param_text(scene, "block");
    const int block = b.empty() ? g : static_cast<int>(scene_param_int(scene, "block"));
    return segments_formula(n, block, segments_equal(n, block), "B");
  }
  if (v == "window" || v == "streaming") {
    // Row q reads min(q+1, M) keys, M = W (window) or S+W (sinks plus recent window).
    const int w = static_cast<int>(scene_param_int(scene, "window"));
    const int m = std::min<int64_t>(n, v == "window" ? w : scene_param_int(scene, "sinks") + w);
    const int64_t cells = triangle(m) + int64_t{n - m} * m;
    return CostFormula{cells, fmt::format("M(M+1)/2 + (N\u2212M)\u00b7M with M = {} = {}: {}",
                                          v == "window" ? "min(N, W)" : "min(N, S+W)", m, cells)};
  }
  return std::nullopt;
}

CostTable cost_table(const Scene& scene, const Qkv& qkv, const std::vector<std::string>& only) {
  CostTable table;
  table.n = scene.n, table.heads = scene.heads, table.d = scene.d;
  table.dense_cells = cost_dense_cells(scene.n);
  table.full_cells = cost_full_cells(scene.n);
  std::vector<const Variant*> order = {variant_find(scene.variant)};
  // The `file` variant is a user's mask: next to another scene there is no mask to cost.
  for (const Variant* v : variant_all())
    if (v->info().name != scene.variant && v->info().name != "file" &&
        (only.empty() || std::find(only.begin(), only.end(), v->info().name) != only.end()))
      order.push_back(v);
  for (size_t i = 0; i < order.size(); ++i) {
    const Variant* v = order[i];
    // A job's progress and cancel, a variant at a time; its build reports inside its share.
    progress_report(static_cast<int64_t>(i), static_cast<int64_t>(order.size()));
    const ProgressSpan span(static_cast<double>(i) / order.size(), static_cast<double>(i + 1) / order.size());
    CostRow row;
    row.variant = v->info().name;
    Scene s = scene;
    if (row.variant != scene.variant) {
      s.variant = row.variant;
      s.params.clear();
      s.compare.clear();
    }
    try {
      v->validate(s);
      const VariantBuild build = v->build(s, qkv);
      std::vector<std::string> formulas;
      bool closed = true;
      for (int h = 0; h < s.heads; ++h) {
        row.cells.push_back(build.masks[h].count());
        const std::optional<CostFormula> f = cost_formula(s, h);
        closed &= f.has_value();
        if (f && std::find(formulas.begin(), formulas.end(), f->text) == formulas.end()) formulas.push_back(f->text);
      }
      int64_t total = 0;
      for (int64_t c : row.cells) total += c;
      row.cells_per_head = static_cast<double>(total) / s.heads;
      row.flops_per_head = cost_attention_flops(row.cells_per_head, s.d);
      row.vs_full = row.cells_per_head / static_cast<double>(table.full_cells);
      row.vs_dense = row.cells_per_head / static_cast<double>(table.dense_cells);
      if (closed) {
        for (size_t i = 0; i < formulas.size(); ++i) row.formula += (i ? " | " : "") + formulas[i];
        // Heads that differ: the count beside the variant is their mean, so say so.
        if (formulas.size() > 1) row.formula += fmt::format("; mean over the {} heads = {}", s.heads, row.cells_per_head);
      } else {
        row.formula = "counted";
      }
      // A pattern above full reads keys after the query: say how many, and that it is the
      // variant's own setting (flash's causal=false), not a count gone wrong.
      if (row.vs_full > 1) {
        int64_t later = 0;
        for (int q = 0; q < s.n; ++q)
          for (const Run r : build.masks[0].row(q))
            later += std::max(0, r.end - std::max(r.begin, q + 1));
        const auto& params = v->info().params;
        const bool causal_flag_off =
            std::any_of(params.begin(), params.end(), [](const ParamSpec& p) { return p.name == "causal"; }) &&
            scene_param_text(s, "causal") != "true";
        row.formula += fmt::format("; not causal: {} cells of head 0 read a later key{}", later,
                                   !causal_flag_off      ? ""
                                   : s.params.count("causal") ? " (causal=false)"
                                                          : " (causal=false by default)");
      }
    } catch (const SceneError& e) {
      row.error = e.what();
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

LayerCost cost_layer(int n, int d_model, int d_ff, int heads, double cells_per_head) {
  LayerCost c;
  const double head_dim = static_cast<double>(d_model) / heads;
  c.projections = 8.0 * n * d_model * static_cast<double>(d_model);
  c.mlp = 6.0 * n * d_model * static_cast<double>(d_ff);
  c.attention_full = heads * 4.0 * head_dim * static_cast<double>(cost_full_cells(n));
  c.attention = heads * 4.0 * head_dim * cells_per_head;
  return c;
}

}  // namespace attnscope
