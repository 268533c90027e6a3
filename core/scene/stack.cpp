#include "core/scene/stack.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/base/input_error.hpp"
#include "core/base/parse_numbers.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

constexpr int kMaxLayers = 1024;
constexpr int kMaxRepeat = 1024;
const char* const kFlagHint = "e.g. --stack \"window:window=1024*5,full\" --layers 62";

// Keys of a layer entry that are not scene keys.
bool entry_own_key(const std::string& key) { return key == "repeat" || key == "heads"; }

void check_entry_scene(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw SceneError(fmt::format("stack: {} must be an object like {{\"variant\": \"full\"}}", where));
  if (!j.contains("variant") || !j["variant"].is_string())
    throw SceneError(fmt::format("stack: {} needs a \"variant\" name", where));
  for (const char* key : {"stack", "n", "heads", "batch", "d", "qkv", "title", "caption", "captions", "compare"})
    if (j.contains(key))
      throw SceneError(fmt::format("stack: {} may not set \"{}\"; it is shared by every layer", where, key));
}

StackEntry entry_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw SceneError(fmt::format("stack: {} must be an object like {{\"variant\": \"full\"}}", where));
  StackEntry entry;
  entry.scene = nlohmann::json::object();
  for (const auto& [key, value] : j.items())
    if (!entry_own_key(key)) entry.scene[key] = value;
  check_entry_scene(entry.scene, where);
  if (j.contains("heads")) {
    const nlohmann::json& heads = j["heads"];
    if (!heads.is_object())
      throw SceneError(fmt::format("stack: {}'s \"heads\" must map head numbers to scene objects, "
                                   "e.g. {{\"0\": {{\"variant\": \"full\"}}}}", where));
    for (const auto& [head, scene] : heads.items()) {
      const std::string head_where = fmt::format("{}, head {}", where, head);
      const int h = static_cast<int>(parse_int(head, "stack head"));
      if (h < 0) throw SceneError(fmt::format("stack: {}: a head number counts from 0", head_where));
      check_entry_scene(scene, head_where);
      entry.heads[h] = scene;
    }
  }
  return entry;
}

// A flag value typed as its scene key expects (a whole number for --window, text for a path).
nlohmann::json flag_value(const std::string& key, const std::string& text) {
  if (key == "g" || key == "shift" || key == "layer") return parse_int(text, key);
  const ParamSpec* spec = variant_param_spec(key);
  if (!spec) throw SceneError(fmt::format("stack: '{}' is not a variant parameter or a layer key (g, shift); {}", key, kFlagHint));
  switch (spec->kind) {
    case ParamSpec::Kind::Int: return parse_int(text, key);
    case ParamSpec::Kind::Number: {
      const auto value = number_in(text);
      if (!value) throw SceneError(fmt::format("stack: {}: '{}' is not a number", key, text));
      return *value;
    }
    case ParamSpec::Kind::Flag:
      if (text != "true" && text != "false") throw SceneError(fmt::format("stack: {} takes true or false, not '{}'", key, text));
      return text == "true";
    default: return text;
  }
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == separator) parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

Stack stack_from_flag(const std::string& text) {
  nlohmann::json pattern = nlohmann::json::array();
  for (const std::string& item : split(text, ',')) {
    std::string body = item;
    int64_t repeat = 1;
    if (const size_t star = item.rfind('*'); star != std::string::npos) {
      body = item.substr(0, star);
      repeat = parse_int(item.substr(star + 1), "stack repeat");
    }
    const std::vector<std::string> fields = split(body, ':');
    if (fields.front().empty()) throw SceneError(fmt::format("stack: '{}' names no variant; {}", item, kFlagHint));
    nlohmann::json entry = {{"variant", fields.front()}, {"repeat", repeat}};
    for (size_t i = 1; i < fields.size(); ++i) {
      const size_t eq = fields[i].find('=');
      if (eq == std::string::npos || eq == 0)
        throw SceneError(fmt::format("stack: '{}' in '{}' is not key=value; {}", fields[i], item, kFlagHint));
      const std::string key = fields[i].substr(0, eq);
      entry[key] = flag_value(key, fields[i].substr(eq + 1));
    }
    pattern.push_back(entry);
  }
  return stack_from_json({{"pattern", pattern}});
}

// Path parameters of a stack read from a file name files beside it.
void resolve_paths(nlohmann::json& scene, const std::filesystem::path& folder) {
  for (auto& [key, value] : scene.items()) {
    const ParamSpec* spec = variant_param_spec(key);
    if (spec && spec->kind == ParamSpec::Kind::Path && value.is_string() && !value.get<std::string>().empty() &&
        std::filesystem::path(value.get<std::string>()).is_relative())
      value = (folder / value.get<std::string>()).lexically_normal().string();
  }
}

}  // namespace

Stack stack_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("pattern") || !j["pattern"].is_array() || j["pattern"].empty())
    throw SceneError("stack: expected {\"pattern\": [{\"variant\": ...}, ...], \"layers\": L}");
  for (const auto& [key, value] : j.items())
    if (key != "pattern" && key != "layers")
      throw SceneError(fmt::format("stack: unknown key '{}'; a stack takes \"pattern\" and \"layers\"", key));
  Stack stack;
  int index = 0;
  for (const nlohmann::json& item : j["pattern"]) {
    const std::string where = fmt::format("pattern entry {}", index++);
    int64_t repeat = 1;
    if (item.is_object() && item.contains("repeat")) {
      if (!item["repeat"].is_number_integer())
        throw SceneError(fmt::format("stack: {}'s repeat must be a whole number", where));
      repeat = item["repeat"].get<int64_t>();
    }
    if (repeat < 1 || repeat > kMaxRepeat)
      throw SceneError(fmt::format("stack: {} repeats {} times; give 1..{}", where, repeat, kMaxRepeat));
    const StackEntry entry = entry_from_json(item, where);
    for (int64_t r = 0; r < repeat; ++r) stack.pattern.push_back(entry);
  }
  stack.layers = static_cast<int>(stack.pattern.size());
  if (j.contains("layers")) {
    if (!j["layers"].is_number_integer())
      throw SceneError("stack: \"layers\" must be a whole number, e.g. 62");
    const int64_t layers = j["layers"].get<int64_t>();
    if (layers < 1 || layers > kMaxLayers)
      throw SceneError(fmt::format("stack: {} layers is outside 1..{}", layers, kMaxLayers));
    stack.layers = static_cast<int>(layers);
  }
  if (stack.layers > kMaxLayers)
    throw SceneError(fmt::format("stack: the pattern holds {} layers, more than {}", stack.layers, kMaxLayers));
  return stack;
}

nlohmann::json stack_to_json(const Stack& stack) {
  nlohmann::json pattern = nlohmann::json::array();
  // Runs of equal entries written once with their repeat count, as a user writes them.
  for (size_t i = 0; i < stack.pattern.size();) {
    size_t end = i + 1;
    while (end < stack.pattern.size() && stack.pattern[end] == stack.pattern[i]) ++end;
    nlohmann::json entry = stack.pattern[i].scene;
    if (end - i > 1) entry["repeat"] = end - i;
    for (const auto& [head, scene] : stack.pattern[i].heads) entry["heads"][std::to_string(head)] = scene;
    pattern.push_back(entry);
    i = end;
  }
  return {{"pattern", pattern}, {"layers", stack.layers}};
}

Stack stack_parse(const std::string& text) {
  if (text.empty()) throw SceneError(fmt::format("stack: give a pattern, {}", kFlagHint));
  if (!std::filesystem::path(text).has_extension() || text.find(',') != std::string::npos ||
      text.find(':') != std::string::npos)
    return stack_from_flag(text);
  std::ifstream in(text);
  if (!in) throw SceneError(fmt::format("stack: cannot open '{}'; give a file or a pattern, {}", text, kFlagHint));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw SceneError(fmt::format("stack: {} is not valid JSON ({})", text, e.what()));
  }
  if (j.is_object() && j.contains("stack")) j = j["stack"];
  return stack_relative_to(stack_from_json(j), std::filesystem::path(text).parent_path().string());
}

Stack stack_relative_to(Stack stack, const std::string& folder) {
  for (StackEntry& entry : stack.pattern) {
    resolve_paths(entry.scene, folder);
    for (auto& [head, scene] : entry.heads) resolve_paths(scene, folder);
  }
  return stack;
}

Stack scene_stack(const Scene& scene) {
  if (scene.stack.empty()) throw SceneError("stack: this scene has no stack; give --stack");
  return stack_from_json(nlohmann::json::parse(scene.stack));
}

namespace {

Scene entry_scene(const Scene& model, const nlohmann::json& entry, int layer) {
  Scene base = model;
  base.params.clear();
  base.shift.reset();
  base.layer = layer;
  base.stack.clear();  // read as a plain scene, then given its stack back
  Scene out = scene_from_json(entry, base);
  out.stack = model.stack;
  return out;
}

}  // namespace

Scene stack_layer_scene(const Scene& scene, int layer) {
  const Stack stack = scene_stack(scene);
  if (layer < 0 || layer >= stack.layers)
    throw SceneError(fmt::format("layer: {} is not a layer of this {}-layer stack; use 0..{}", layer,
                                 stack.layers, stack.layers - 1));
  try {
    return entry_scene(scene, stack.entry(layer).scene, layer);
  } catch (const SceneError& e) {
    throw SceneError(fmt::format("stack layer {}: {}", layer, e.what()));
  }
}

std::map<int, Scene> stack_head_scenes(const Scene& scene, int layer) {
  const Stack stack = scene_stack(scene);
  std::map<int, Scene> heads;
  for (const auto& [head, entry] : stack.entry(layer).heads) {
    try {
      heads[head] = entry_scene(scene, entry, layer);
    } catch (const SceneError& e) {
      throw SceneError(fmt::format("stack layer {} head {}: {}", layer, head, e.what()));
    }
  }
  return heads;
}

Scene stack_with_layers(const Scene& scene, int layers) {
  nlohmann::json j = stack_to_json(scene_stack(scene));
  j["layers"] = layers;
  Scene out = scene;
  out.stack = stack_to_json(stack_from_json(j)).dump();
  return stack_layer_scene(out, std::min(out.layer.value_or(0), layers - 1));
}

void stack_validate(const Scene& scene) {
  const Stack stack = scene_stack(scene);
  std::set<std::string> checked;  // a 62-layer stack of two entries validates two scenes
  for (int layer = 0; layer < stack.layers; ++layer) {
    std::vector<Scene> scenes = {stack_layer_scene(scene, layer)};
    for (const auto& [head, head_scene] : stack_head_scenes(scene, layer)) {
      if (head >= scene.heads)
        throw SceneError(fmt::format("stack layer {}: head {} is not a head of this scene; use 0..{}", layer,
                                     head, scene.heads - 1));
      scenes.push_back(head_scene);
    }
    for (Scene& one : scenes) {
      one.stack.clear();
      if (!checked.insert(scene_to_json(one).dump()).second) continue;
      try {
        scene_validate(one);
      } catch (const SceneError& e) {
        throw SceneError(fmt::format("stack layer {}: {}", layer, e.what()));
      }
    }
  }
}

}  // namespace attnscope
