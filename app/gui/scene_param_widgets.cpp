#include "app/gui/scene_param_widgets.hpp"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <iterator>

#include "app/gui/text_fit.hpp"
#include "core/scene/scene.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

// Text fields apply on Enter, like the shared integer fields: typing "0,12" must not analyse "0,1".
constexpr ImGuiInputTextFlags kApplyOnEnter = ImGuiInputTextFlags_EnterReturnsTrue;

void set_or_clear(Scene& scene, const ParamSpec& spec, const std::string& text) {
  if (text.empty() || text == spec.default_value) scene.params.erase(spec.name);
  else scene.params[spec.name] = text;
}

bool text_field(const ParamSpec& spec, Scene& scene, const char* hint) {
  char buffer[128];
  const auto it = scene.params.find(spec.name);
  const std::string current = it != scene.params.end() ? it->second : spec.default_value;
  fmt::format_to_n(buffer, sizeof buffer - 1, "{}", current).out[0] = '\0';
  // The hint as much as fits the field, cut at a word ("derived …"); hovering shows it whole.
  const std::string fitted = text_fit_lines(hint, ImGui::CalcItemWidth() - 2.f * ImGui::GetStyle().FramePadding.x, 1);
  const bool edited = ImGui::InputTextWithHint(spec.name.c_str(), fitted.c_str(), buffer, sizeof buffer, kApplyOnEnter);
  if (buffer[0] == '\0' && fitted != hint && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", hint);
  if (!edited) return false;
  set_or_clear(scene, spec, buffer);
  return true;
}

bool param_widget(const ParamSpec& spec, Scene& scene) {
  using Kind = ParamSpec::Kind;
  const auto it = scene.params.find(spec.name);
  const bool set = it != scene.params.end();
  const std::string text = set ? it->second : spec.default_value;
  switch (spec.kind) {
    case Kind::Flag: {
      bool on = text == "true";
      if (!ImGui::Checkbox(spec.name.c_str(), &on)) return false;
      set_or_clear(scene, spec, on ? "true" : "false");
      return true;
    }
    case Kind::Int: {
      // A derived default ("default: g") has no number to start from: type one to set it.
      if (text.empty()) return text_field(spec, scene, "derived (type a number)");
      int value = 0;
      try {
        value = static_cast<int>(parse_int(text, spec.name));
      } catch (const SceneError&) {
        return text_field(spec, scene, "a whole number");
      }
      if (!ImGui::InputInt(spec.name.c_str(), &value, 1, 4, kApplyOnEnter)) return false;
      set_or_clear(scene, spec, std::to_string(value));
      return true;
    }
    case Kind::Number: {
      double value = 0;
      try {
        value = std::stod(text);
      } catch (const std::exception&) {
        return text_field(spec, scene, "a number");
      }
      if (!ImGui::InputDouble(spec.name.c_str(), &value, 0.05, 0.25, "%.3g", kApplyOnEnter)) return false;
      set_or_clear(scene, spec, fmt::format("{}", value));
      return true;
    }
    case Kind::IntList: return text_field(spec, scene, "e.g. 0,5");
    case Kind::Text: return text_field(spec, scene, "text");
    case Kind::Path: return text_field(spec, scene, "a file path");
  }
  return false;
}

}  // namespace

bool scene_param_widgets(const Variant& variant, Scene& scene, ScreenReport& report) {
  bool changed = false;
  for (const ParamSpec& spec : variant.info().params) {
    ImGui::PushID(spec.name.c_str());
    changed |= param_widget(spec, scene);
    const ImVec2 p0 = ImGui::GetItemRectMin(), p1 = ImGui::GetItemRectMax();
    report.params.push_back({spec.name, {p0.x, p0.y, p1.x, p1.y}});
    if (ImGui::IsItemHovered()) {
      const std::string fallback = spec.default_value.empty() ? "" : " (default " + spec.default_value + ")";
      ImGui::SetTooltip("%s%s", spec.help.c_str(), fallback.c_str());
    }
    ImGui::PopID();
  }
  return changed;
}

Scene scene_switched_to(const Scene& scene, const std::string& variant) {
  Scene out = scene;
  out.variant = variant;
  std::vector<std::string> declaring = {variant};
  declaring.insert(declaring.end(), scene.compare.begin(), scene.compare.end());
  for (auto it = out.params.begin(); it != out.params.end();) {
    const bool known = std::any_of(declaring.begin(), declaring.end(), [&](const std::string& name) {
      const Variant* v = variant_find(name);
      return v && variant_own_param(*v, it->first);
    });
    it = known ? std::next(it) : out.params.erase(it);
  }
  return out;
}

}  // namespace attnscope
