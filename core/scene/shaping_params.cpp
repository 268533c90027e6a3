#include "core/scene/shaping_params.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

// A shared key the variant declares in `uses`, unless a parameter set in the scene takes its
// place (block and select-merge read g only as their default block size).
bool variant_uses(const Scene& scene, const VariantInfo& info, const std::string& key) {
  if (std::find(info.uses.begin(), info.uses.end(), key) == info.uses.end()) return false;
  for (const ParamSpec& spec : info.params)
    if (spec.replaces == key && scene.params.count(spec.name)) return false;
  return true;
}

bool applies(const Scene& scene, const ParamSpec& spec) {
  const size_t eq = spec.applies_if.find('=');
  if (eq == std::string::npos) return true;
  return scene_param_text(scene, spec.applies_if.substr(0, eq)) == spec.applies_if.substr(eq + 1);
}

}  // namespace

std::vector<ShapingParam> shaping_params(const Scene& scene, const Variant& variant) {
  const VariantInfo& info = variant.info();
  std::vector<ShapingParam> out;
  if (variant_uses(scene, info, "g")) out.push_back({"g", std::to_string(scene.g)});
  if (variant_uses(scene, info, "shift")) out.push_back({"shift", std::to_string(scene.effective_shift())});
  for (const ParamSpec& spec : info.params) {
    if (!applies(scene, spec)) continue;
    const std::string value = scene_param_text(scene, spec.name);
    if (spec.kind == ParamSpec::Kind::Flag) {
      if (value == "true") out.push_back({spec.name, value, true});
    } else if (!value.empty()) {
      out.push_back({spec.name, value});
    }
  }
  return out;
}

nlohmann::json shaping_params_json(const Scene& scene, const Variant& variant) {
  nlohmann::json out = nlohmann::json::object();
  for (const ShapingParam& p : shaping_params(scene, variant)) {
    if (p.key == "g" || p.key == "shift") out[p.key] = std::stoi(p.value);
    else out[p.key] = scene_param_json(scene, p.key);
  }
  return out;
}

}  // namespace attnscope
