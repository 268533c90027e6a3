#include "core/scene/scene.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/base/atomic_file.hpp"
#include "core/base/parse_numbers.hpp"
#include "core/scene/policy.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/stack.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

constexpr int kMaxN = 1 << 20;  // structure at any of these; values are bounded by --max-memory
constexpr int kMaxHeads = 64;
constexpr int kMaxD = 1024;
constexpr int kMaxBatch = 64;

void check_range(const std::string& key, int64_t value, int64_t lo, int64_t hi,
                 const std::string& hint) {
  if (value < lo || value > hi)
    throw SceneError(fmt::format("{}: {} is outside {}..{}; {}", key, value, lo, hi, hint));
}

const ParamSpec* spec_for(const Scene& scene, const std::string& name) {
  if (const Variant* v = variant_find(scene.variant))
    if (const ParamSpec* own = variant_own_param(*v, name)) return own;
  return variant_param_spec(name);
}

std::string param_raw(const Scene& scene, const std::string& name) {
  if (auto it = scene.params.find(name); it != scene.params.end()) return it->second;
  if (const ParamSpec* spec = spec_for(scene, name)) return spec->default_value;
  throw SceneError("internal: no parameter named " + name);
}

int json_int(const nlohmann::json& value, const std::string& key) {
  if (!value.is_number_integer())
    throw SceneError(fmt::format("{}: expected a whole number, got {}", key, value.dump()));
  const int64_t v = value.get<int64_t>();
  if (v < INT32_MIN || v > INT32_MAX) throw SceneError(fmt::format("{}: {} is too large", key, v));
  return static_cast<int>(v);
}

std::string json_text(const nlohmann::json& value, const std::string& key) {
  if (!value.is_string())
    throw SceneError(fmt::format("{}: expected a string, got {}", key, value.dump()));
  return value.get<std::string>();
}

std::string json_param_text(const nlohmann::json& value, const ParamSpec& spec) {
  using Kind = ParamSpec::Kind;
  switch (spec.kind) {
    case Kind::Int: return std::to_string(json_int(value, spec.name));
    case Kind::Number:
      if (!value.is_number())
        throw SceneError(fmt::format("{}: expected a number, got {}", spec.name, value.dump()));
      return fmt::format("{}", value.get<double>());
    case Kind::Flag:
      if (!value.is_boolean())
        throw SceneError(fmt::format("{}: expected true or false, got {}", spec.name, value.dump()));
      return value.get<bool>() ? "true" : "false";
    case Kind::IntList: {
      if (value.is_string()) return value.get<std::string>();
      if (!value.is_array())
        throw SceneError(fmt::format("{}: expected a list of whole numbers like [0, 5], got {}",
                                     spec.name, value.dump()));
      std::vector<int> items;
      for (const auto& item : value) items.push_back(json_int(item, spec.name));
      return fmt::format("{}", fmt::join(items, ","));
    }
    case Kind::Text:
    case Kind::Path: return json_text(value, spec.name);
  }
  return {};
}

nlohmann::json param_to_json(const std::string& text, const ParamSpec* spec) {
  using Kind = ParamSpec::Kind;
  if (!spec) return text;
  try {
    switch (spec->kind) {
      case Kind::Int: return parse_int(text, spec->name);
      case Kind::Number: return std::stod(text);
      case Kind::Flag: return text == "true";
      case Kind::IntList: return parse_int_list(text, spec->name);
      case Kind::Text:
      case Kind::Path: return text;
    }
  } catch (const std::exception&) {
  }
  return text;
}

}  // namespace

int Scene::effective_shift() const { return shift ? *shift : -(g / 2); }

const std::vector<std::string>& scene_common_keys() {
  static const std::vector<std::string> keys = {"title", "caption", "variant", "n",      "heads",
                                                "d",     "batch",   "g",       "shift",  "policy",
                                                "seed",  "compare", "captions", "qkv", "qkv-key",
                                                "qkv-layout", "layer", "stack"};
  return keys;
}

int64_t scene_param_int(const Scene& scene, const std::string& name) {
  return parse_int(param_raw(scene, name), name);
}

double scene_param_number(const Scene& scene, const std::string& name) {
  return parse_number(param_raw(scene, name), name);
}

std::vector<int64_t> scene_param_int_list(const Scene& scene, const std::string& name) {
  const std::string raw = param_raw(scene, name);
  if (raw.empty()) return {};
  return parse_int_list(raw, name);
}

std::string scene_param_text(const Scene& scene, const std::string& name) {
  return param_raw(scene, name);
}

nlohmann::json scene_param_json(const Scene& scene, const std::string& name) {
  return param_to_json(param_raw(scene, name), spec_for(scene, name));
}

void scene_validate(const Scene& scene) {
  const Variant* variant = variant_find(scene.variant);
  if (!variant)
    throw SceneError("variant: unknown variant '" + scene.variant +
                     "'; run 'attnscope variants' to list them");
  check_range("n", scene.n, 1, kMaxN, "choose a sequence length --n in that range");
  check_range("heads", scene.heads, 1, kMaxHeads, "choose --heads in that range");
  check_range("d", scene.d, 1, kMaxD, "choose a head dimension --d in that range");
  check_range("batch", scene.batch, 1, kMaxBatch, "choose --batch in that range");
  policy_parse(scene.policy, scene.n);
  if (scene.layer && *scene.layer < 0) throw SceneError("layer: give a layer number from 0, e.g. --layer 3");
  if (!scene.qkv_layout.empty()) qkv_layout_parse(scene.qkv_layout);
  qkv_file_check_sizes(scene);
  for (const std::string& other : scene.compare)
    if (!variant_find(other))
      throw SceneError("compare: unknown variant '" + other +
                       "'; run 'attnscope variants' to list them");
  for (const auto& [key, value] : scene.params) {
    bool known = false;
    std::vector<std::string> names = {scene.variant};
    names.insert(names.end(), scene.compare.begin(), scene.compare.end());
    for (const std::string& name : names)
      for (const ParamSpec& spec : variant_find(name)->info().params) known |= spec.name == key;
    if (!known) {
      std::vector<std::string> own;
      for (const ParamSpec& spec : variant->info().params) own.push_back(spec.name);
      throw SceneError(fmt::format("{}: not a parameter of variant {} ({})", key, scene.variant,
                                   own.empty() ? std::string("it has no parameters of its own")
                                               : "its parameters: " + fmt::format("{}", fmt::join(own, ", "))));
    }
  }
  variant->validate(scene);
  if (!scene.stack.empty()) stack_validate(scene);
}

Scene scene_from_json(const nlohmann::json& j, Scene scene) {
  if (!j.is_object()) throw SceneError("scene: the file must hold one JSON object {...}");
  for (const auto& [key, value] : j.items()) {
    if (key == "title") scene.title = json_text(value, key);
    else if (key == "caption") scene.caption = json_text(value, key);
    else if (key == "variant") scene.variant = json_text(value, key);
    else if (key == "n") scene.n = json_int(value, key);
    else if (key == "heads") scene.heads = json_int(value, key);
    else if (key == "d") scene.d = json_int(value, key);
    else if (key == "batch") scene.batch = json_int(value, key);
    else if (key == "g") scene.g = json_int(value, key);
    else if (key == "shift") scene.shift = value.is_null() ? std::nullopt : std::optional(json_int(value, key));
    else if (key == "policy") scene.policy = json_text(value, key);
    else if (key == "seed") {
      if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
        throw SceneError("seed: expected a non-negative whole number, got " + value.dump());
      scene.seed = value.get<uint64_t>();
    } else if (key == "qkv") {
      scene.qkv = json_text(value, key);
    } else if (key == "qkv-key") {
      scene.qkv_key = json_text(value, key);
    } else if (key == "qkv-layout") {
      scene.qkv_layout = json_text(value, key);
    } else if (key == "layer") {
      scene.layer = value.is_null() ? std::nullopt : std::optional(json_int(value, key));
    } else if (key == "stack") {
      scene.stack = stack_to_json(stack_from_json(value)).dump();
    } else if (key == "compare") {
      if (!value.is_array()) throw SceneError("compare: expected a list of variant names");
      scene.compare.clear();
      for (const auto& item : value) scene.compare.push_back(json_text(item, key));
    } else if (key == "captions") {
      if (!value.is_object())
        throw SceneError("captions: expected an object mapping step names to text");
      for (const auto& [step, text] : value.items())
        scene.captions[step] = json_text(text, "captions." + step);
    } else if (const ParamSpec* spec = variant_param_spec(key)) {
      scene.params[key] = json_param_text(value, *spec);
    } else {
      throw SceneError(fmt::format("{}: unknown key; scene files take {} and variant "
                                   "parameters (see 'attnscope variants')",
                                   key, fmt::join(scene_common_keys(), ", ")));
    }
  }
  if (!scene.stack.empty()) scene = stack_layer_scene(scene, scene.layer.value_or(0));
  if (j.contains("captions")) scene.captions_key = scene_captions_key(scene);
  return scene;
}

std::string scene_captions_key(const Scene& scene) {
  Scene described = scene;
  described.title.clear();
  described.caption.clear();
  described.captions.clear();
  described.compare.clear();
  return scene_to_json(described).dump();
}

bool scene_captions_apply(const Scene& scene) {
  return !scene.captions.empty() && scene.captions_key == scene_captions_key(scene);
}

nlohmann::json scene_to_json(const Scene& scene) {
  nlohmann::json j;
  if (!scene.title.empty()) j["title"] = scene.title;
  if (!scene.caption.empty()) j["caption"] = scene.caption;
  j["variant"] = scene.variant;
  j["n"] = scene.n;
  j["heads"] = scene.heads;
  j["d"] = scene.d;
  j["batch"] = scene.batch;
  j["g"] = scene.g;
  if (scene.shift) j["shift"] = *scene.shift;
  j["policy"] = scene.policy;
  j["seed"] = scene.seed;
  if (!scene.qkv.empty()) j["qkv"] = scene.qkv;
  if (!scene.qkv_key.empty()) j["qkv-key"] = scene.qkv_key;
  if (!scene.qkv_layout.empty()) j["qkv-layout"] = scene.qkv_layout;
  if (scene.layer) j["layer"] = *scene.layer;
  if (!scene.stack.empty()) j["stack"] = nlohmann::json::parse(scene.stack);
  for (const auto& [key, value] : scene.params) j[key] = param_to_json(value, spec_for(scene, key));
  if (!scene.compare.empty()) j["compare"] = scene.compare;
  // Captions travel with the scene they describe only: an edited scene is saved without them.
  if (scene_captions_apply(scene)) j["captions"] = scene.captions;
  return j;
}

Scene scene_load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw SceneError("scene: cannot open '" + path + "'; check the path");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw SceneError("scene: " + path + " is not valid JSON (" + e.what() + ")");
  }
  Scene scene;
  try {
    scene = scene_from_json(j);
  } catch (const SceneError& e) {
    throw SceneError(path + ": " + e.what());
  }
  // A preset names the mask beside it, wherever the preset folder is installed.
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  for (auto& [key, value] : scene.params) {
    const ParamSpec* spec = variant_param_spec(key);
    if (spec && spec->kind == ParamSpec::Kind::Path && !value.empty() && std::filesystem::path(value).is_relative())
      value = (folder / value).lexically_normal().string();
  }
  if (!scene.stack.empty()) {
    scene.stack = stack_to_json(stack_relative_to(scene_stack(scene), folder.string())).dump();
    scene = stack_layer_scene(scene, scene.layer.value_or(0));
  }
  if (!scene.qkv.empty()) {
    if (std::filesystem::path(scene.qkv).is_relative()) scene.qkv = (folder / scene.qkv).lexically_normal().string();
    // The sizes the file does not state come from its q, k, v.
    std::set<std::string> stated;
    for (const char* key : {"n", "heads", "d", "batch"})
      if (j.contains(key)) stated.insert(key);
    scene = qkv_file_sizes(std::move(scene), stated);
  }
  return scene;
}

void scene_save(const Scene& scene, const std::string& path) {
  atomic_write_file(path, scene_to_json(scene).dump(2) + "\n");
}

}  // namespace attnscope
