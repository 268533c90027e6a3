#pragma once
// Which parameters shaped an analysis: the one rule behind the CLI's parameter line and JSON and
// the figures' subtitles, so both name the same parameters with the same values.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace attnscope {

struct Scene;
class Variant;

struct ShapingParam {
  std::string key;    // "g", "shift" or a parameter of the variant
  std::string value;  // as text: "4", "-2", "0,5", "true"
  bool flag = false;  // a Flag parameter that is on (figures show the bare name)
};

// The shared keys the variant reads ("g" unless a parameter set in the scene replaces it, the
// effective shift), then each of its own parameters that shapes the mask: defaults included,
// flags only when on, derived defaults only once set, and parameters whose `applies_if` does not
// hold left out.
std::vector<ShapingParam> shaping_params(const Scene& scene, const Variant& variant);

// The same as a JSON object, each value typed as in a scene file.
nlohmann::json shaping_params_json(const Scene& scene, const Variant& variant);

}  // namespace attnscope
