#include "core/presentation/compare.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/digits.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

Scene compare_scene(const Scene& scene, const std::string& variant) {
  Scene other = scene;
  other.variant = variant;
  other.compare.clear();
  const Variant* found = variant_find(variant);
  if (!found) return other;  // scene_validate names the unknown variant
  std::erase_if(other.params, [&](const auto& param) { return !variant_own_param(*found, param.first); });
  return other;
}

std::vector<std::string> compare_variants(const Scene& scene) {
  std::vector<std::string> variants{scene.variant};
  std::vector<std::string> relatives = scene.compare;
  if (relatives.empty())
    if (const Variant* own = variant_find(scene.variant)) relatives = own->info().relatives;
  for (const std::string& v : relatives)
    if (variant_find(v)) variants.push_back(v);
  variants = compare_distinct(variants);
  if (variants.size() > kCompareMaxVariants) variants.resize(kCompareMaxVariants);
  return variants;
}

std::vector<std::string> compare_distinct(const std::vector<std::string>& variants) {
  std::vector<std::string> distinct;
  for (const std::string& v : variants)
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
  return distinct;
}

std::string compare_letter(size_t index) { return std::string(1, static_cast<char>('A' + index)); }

std::vector<std::string> compare_columns(const std::string& policy) {
  return {"variant", "allowed cells", "density", "FLOPs vs full", "leaks", policy + " coverage"};
}

std::vector<std::string> compare_row(const Analysis& a) {
  const Metrics& m = a.metrics;
  auto percent = [](double x) { return fmt::format("{:.1f}%", 100 * x); };
  return {a.scene.variant, digits_grouped(m.total_allowed), percent(m.density),
          fmt::format("{:.3f}\u00d7", m.flops_vs_full), digits_grouped(m.total_leaks), percent(m.coverage)};
}

RowRuns diff_cells(const RowRuns& a, const RowRuns& b, DiffOp op) {
  switch (op) {
    case DiffOp::AMinusB: return runs_difference(a, b);
    case DiffOp::BMinusA: return runs_difference(b, a);
    case DiffOp::Both: return runs_intersection(a, b);
  }
  return {};
}

Rgb8 diff_color(DiffOp op) {
  switch (op) {
    case DiffOp::AMinusB: return kOkabeIto[6];
    case DiffOp::BMinusA: return kOkabeIto[5];
    case DiffOp::Both: return kOkabeIto[3];
  }
  return kOkabeIto[0];
}

}  // namespace attnscope
