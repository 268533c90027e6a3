#include "core/presentation/step_shape.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/base/digits.hpp"

namespace attnscope {

namespace {

struct Symbol {
  const char* name;
  long value;
};

struct AxisWords {
  std::string one, many;        // the unit for a size of 1 and for any other size
  std::vector<Symbol> symbols;  // the scene's names for sizes this axis takes, tried in order
};

// Units and symbols by the axis names the variants give their steps; any other axis (a module's
// "d0", "d1" from an audit) is a bare size after its name. G names a size only in a step with a
// group axis: other variants leave the scene's G unused.
std::optional<AxisWords> axis_words(const std::string& axis, const Scene& s, bool grouped) {
  const long b = s.batch, n = s.n, h = s.heads, d = s.d, g = grouped ? s.g : -1;
  if (axis == "batch") return AxisWords{"sequence", "sequences", {{"B", b}}};
  if (axis == "token") return AxisWords{"token", "tokens", {{"N", n}}};
  if (axis == "query") return AxisWords{"query", "queries", {{"N", n}, {"G", g}}};
  if (axis == "key") return AxisWords{"key", "keys", {{"N", n}, {"G", g}}};
  if (axis == "head") return AxisWords{"head", "heads", {{"H", h}, {"H/2", h / 2}}};
  if (axis == "kv head") return AxisWords{"kv head", "kv heads", {}};
  if (axis == "group") return AxisWords{"group", "groups", {{"B\u00b7N/G", g > 0 ? b * n / g : -1}}};
  if (axis == "offset") return AxisWords{"token", "tokens", {{"G", g}}};
  if (axis == "row") return AxisWords{"row", "rows", {{"2\u00b7B", 2 * b}}};
  if (axis == "dim") return AxisWords{"", "", {{"D", d}}};
  if (axis == "qkv") return AxisWords{"(q, k, v)", "(q, k, v)", {}};
  if (axis == "chunk") return AxisWords{"chunk", "chunks", {}};
  // Past participles name what the axis holds and take no plural.
  if (axis == "chosen" || axis == "selected" || axis == "kept") return AxisWords{axis, axis, {}};
  // The remaining axes are nouns: "block", "query block", "compressed token", "merged key", ...
  const bool y = axis.size() > 1 && axis.back() == 'y' && axis[axis.size() - 2] != 'e';
  if (axis == "block" || axis == "query block" || axis == "compressed token" || axis == "merged key" ||
      axis == "kept key" || axis == "last query" || axis == "window query")
    return AxisWords{axis, y ? axis.substr(0, axis.size() - 1) + "ies" : axis + "s", {}};
  return std::nullopt;
}

std::string axis_text(const std::string& axis, long size, const Scene& scene, bool grouped) {
  const std::string count = digits_grouped(size);
  const auto words = axis_words(axis, scene, grouped);
  if (!words) return fmt::format("{} {}", axis, count);
  const std::string& unit = size == 1 ? words->one : words->many;
  std::string text = unit.empty() ? count : count + " " + unit;
  for (const Symbol& symbol : words->symbols)
    if (symbol.value == size) return fmt::format("{} = {}", symbol.name, text);
  return text;
}

}  // namespace

std::string step_shape_text(const Step& step, const Scene& scene) {
  const bool grouped = std::find(step.axes.begin(), step.axes.end(), "group") != step.axes.end();
  std::string text = "(";
  for (size_t i = 0; i < step.shape.size(); ++i)
    text += (i ? ", " : "") + axis_text(i < step.axes.size() ? step.axes[i] : "?", step.shape[i], scene, grouped);
  return text + ")";
}

}  // namespace attnscope
