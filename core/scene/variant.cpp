#include "core/scene/variant.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace attnscope {

namespace {

std::vector<std::unique_ptr<Variant>>& registry() {
  static std::vector<std::unique_ptr<Variant>> variants;
  return variants;
}

}  // namespace

std::string Variant::explain_allowed(const VariantBuild& build, int head, int q, int k) const {
  if (!build.output_query.empty() && !build.output_query[head].empty() &&
      build.output_query[head][q] != q) {
    const int source = build.output_query[head][q];
    const std::string inner = build.frame ? frame_explain_cell(build.frame->heads[head], source, k)
                                          : fmt::format("query {} reads key {}", source, k);
    return fmt::format("output position {} receives the result computed for query {}, because "
                       "the roll back does not undo the roll; {}",
                       q, source, inner);
  }
  if (build.frame) return frame_explain_cell(build.frame->heads[head], q, k);
  return fmt::format("the {} pattern allows query {} to read key {}", info().name, q, k);
}

bool variant_register(std::unique_ptr<Variant> variant) {
  if (variant_find(variant->info().name))
    throw std::logic_error("variant registered twice: " + variant->info().name);
  registry().push_back(std::move(variant));
  return true;
}

const Variant* variant_find(const std::string& name) {
  for (const auto& v : registry())
    if (v->info().name == name) return v.get();
  return nullptr;
}

std::vector<const Variant*> variant_all() {
  std::vector<const Variant*> out;
  for (const auto& v : registry()) out.push_back(v.get());
  std::stable_sort(out.begin(), out.end(), [](const Variant* a, const Variant* b) {
    if (a->info().list_order != b->info().list_order)
      return a->info().list_order < b->info().list_order;
    return a->info().name < b->info().name;
  });
  return out;
}

const ParamSpec* variant_param_spec(const std::string& name) {
  for (const auto& v : registry())
    for (const ParamSpec& spec : v->info().params)
      if (spec.name == name) return &spec;
  return nullptr;
}

const ParamSpec* variant_own_param(const Variant& variant, const std::string& name) {
  for (const ParamSpec& spec : variant.info().params)
    if (spec.name == name) return &spec;
  return nullptr;
}

}  // namespace attnscope
