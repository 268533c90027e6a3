#include "core/presentation/compare.hpp"

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

const char* diff_op_label(DiffOp op) {
  switch (op) {
    case DiffOp::AMinusB: return "A - B";
    case DiffOp::BMinusA: return "B - A";
    case DiffOp::Both: return "A \u2229 B";
  }
  return "";
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
