#include "core/scene/sink_logit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/base/parse_numbers.hpp"

namespace attnscope {

ParamSpec sink_logit_param() {
  return {.name = kSinkLogitParam,
          .kind = ParamSpec::Kind::Text,
          .default_value = "",
          .help = "GPT-OSS's learned sink: one logit, or one per head (comma-separated), appended to each row as a "
                  "softmax column with no value, so a row's weights sum to 1 minus the sink's share; empty: none"};
}

std::vector<float> scene_sink_logits(const Scene& scene) {
  const Variant* variant = variant_find(scene.variant);
  if (!variant || !variant_own_param(*variant, kSinkLogitParam)) return {};
  const std::string text = scene_param_text(scene, kSinkLogitParam);
  if (text.empty()) return {};
  std::vector<float> logits;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    const auto value = number_in(item);
    if (!value || !std::isfinite(*value))
      throw SceneError(fmt::format("sink-logit: '{}' is not a number; give one logit or one per head, e.g. 0.8,-1.2", item));
    logits.push_back(static_cast<float>(*value));
  }
  if (logits.size() == 1) logits.assign(static_cast<size_t>(scene.heads), logits.front());
  if (static_cast<int>(logits.size()) != scene.heads)
    throw SceneError(fmt::format("sink-logit: {} logits for {} heads; give one, or one per head", logits.size(), scene.heads));
  return logits;
}

float sink_share(const float* scores, int64_t count, float sink) {
  float top = sink;
  for (int64_t i = 0; i < count; ++i) top = std::max(top, scores[i]);
  double sum = 0;
  for (int64_t i = 0; i < count; ++i) sum += std::exp(static_cast<double>(scores[i]) - top);
  const double own = std::exp(static_cast<double>(sink) - top);
  return static_cast<float>(own / (own + sum));
}

}  // namespace attnscope
