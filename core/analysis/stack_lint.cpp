#include "core/analysis/stack_lint.hpp"

#include <fmt/format.h>

#include <optional>

#include "core/analysis/stack_model.hpp"
#include "core/scene/stack.hpp"

namespace attnscope {

namespace {

// The width W when every row q reads exactly keys max(0, q - W + 1)..q (N: plain causal).
std::optional<int> band_width(const RowRuns& mask) {
  int width = 1;
  for (int q = 0; q < mask.rows(); ++q) width = std::max<int>(width, static_cast<int>(mask.row_count(q)));
  for (int q = 0; q < mask.rows(); ++q) {
    if (mask.row(q).size() != 1) return std::nullopt;
    const Run run = mask.row(q).front();
    if (run.end != q + 1 || run.begin != std::max(0, q - width + 1)) return std::nullopt;
  }
  return width;
}

std::string expected_text(const Scene& layer) {
  if (layer.variant == "full") return "every earlier key (full attention)";
  if (layer.variant == "window") return fmt::format("window {}", layer.params.at("window"));
  std::string text = layer.variant;
  for (const auto& [key, value] : layer.params) text += fmt::format(" {}={}", key, value);
  return text;
}

// What is wrong with one head, in the words of the window bug when it is one.
std::string head_finding(int layer, const RowRuns& got, const RowRuns& want, const Scene& layer_scene) {
  const std::optional<int> got_band = band_width(got);
  const std::optional<int> want_band = band_width(want);
  const int n = got.rows();
  const std::string expected = expected_text(layer_scene);
  if (got_band && want_band) {
    if (*got_band >= n && *want_band < n)
      return fmt::format("layer {} has no window: every earlier key is readable, expected {}", layer, expected);
    if (*got_band < n && *want_band >= n)
      return fmt::format("layer {} reads a window of {}: keys {} or more tokens back are lost, expected {}", layer,
                         *got_band, *got_band, expected);
    return fmt::format("layer {} reads a window of {}, expected {}", layer, *got_band, expected);
  }
  int64_t extra = 0, missing = 0;
  std::pair<int, int> first_extra{-1, -1}, first_missing{-1, -1};
  for (int q = 0; q < n; ++q)
    for (int k = 0; k < got.cols(); ++k) {
      const bool g = got.contains(q, k), w = want.contains(q, k);
      if (g && !w && extra++ == 0) first_extra = {q, k};
      if (!g && w && missing++ == 0) first_missing = {q, k};
    }
  std::string text = fmt::format("layer {} differs from {}:", layer, expected);
  if (extra) text += fmt::format(" {} cells it does not allow (first ({}, {}))", extra, first_extra.first, first_extra.second);
  if (extra && missing) text += ",";
  if (missing) text += fmt::format(" {} cells it allows are masked (first ({}, {}))", missing, first_missing.first,
                                   first_missing.second);
  return text;
}

}  // namespace

std::vector<StackLintFinding> stack_lint(Scene scene, const std::vector<std::vector<RowRuns>>& masks) {
  if (masks.empty() || masks.front().empty()) throw SceneError("stack: no layers to check");
  scene.n = masks.front().front().rows();
  scene.heads = static_cast<int>(masks.front().size());
  for (size_t l = 0; l < masks.size(); ++l) {
    if (static_cast<int>(masks[l].size()) != scene.heads)
      throw SceneError(fmt::format("stack: layer {} has {} heads, layer 0 has {}", l, masks[l].size(), scene.heads));
    for (const RowRuns& head : masks[l])
      if (head.rows() != scene.n || head.cols() != scene.n)
        throw SceneError(fmt::format("stack: layer {} is {} x {}, layer 0 {} x {}", l, head.rows(), head.cols(),
                                     scene.n, scene.n));
  }
  scene = stack_with_layers(scene, static_cast<int>(masks.size()));
  const StackModel model = stack_model(scene, {});
  std::vector<StackLintFinding> findings;
  for (int l = 0; l < model.layers(); ++l) {
    std::vector<std::string> texts;
    for (int h = 0; h < scene.heads; ++h)
      texts.push_back(masks[l][h] == model.layer(l).mask(h) ? "" : head_finding(l, masks[l][h], model.layer(l).mask(h), model.layer(l).scene));
    // One line for a layer whose heads are all wrong the same way.
    if (!texts[0].empty() && std::all_of(texts.begin(), texts.end(), [&](const std::string& t) { return t == texts[0]; })) {
      findings.push_back({l, -1, texts[0]});
      continue;
    }
    for (int h = 0; h < scene.heads; ++h)
      if (!texts[h].empty()) findings.push_back({l, h, fmt::format("{} (head {})", texts[h], h)});
  }
  return findings;
}

}  // namespace attnscope
