#include "app/cli/scene_options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "core/masks/user_mask.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/stack.hpp"
#include "core/scene/variant.hpp"

namespace attnscope {

namespace {

struct SharedFlag {
  const char* name;
  const char* help;
};

constexpr SharedFlag kSharedFlags[] = {
    {"variant", "attention variant ('attnscope variants' lists them); default s2"},
    {"n", "tokens (sequence length); default 16"},
    {"heads", "attention heads; default 2"},
    {"d", "head dimension; default 8"},
    {"batch", "batch size; default 1"},
    {"g", "group size of grouped variants; default 4"},
    {"shift", "roll of the shifted heads, torch.roll sign convention; default -G/2"},
    {"policy", "rule leaks are judged against: causal, bidirectional, prefix:P, documents:a,b,c, "
               "documents-bidirectional:a,b,c, window:W"},
    {"seed", "seed of the synthetic q, k, v; default 0"},
    {"compare", "variants to compare with, comma-separated"},
    {"qkv", "q, k, v from a file instead of the generator: .npy, .npz, .safetensors or .pt holding q, k, v "
            "(or query, key, value) or one packed qkv (B, N, 3, H, D); N, H, D and B come from it"},
    {"qkv-key", "the file's entries when they have other names: q=NAME,k=NAME,v=NAME or qkv=NAME"},
    {"qkv-layout", "bnhd: (B, N, H, D), the default; bhnd: (B, H, N, D) as scaled_dot_product_attention takes them"},
    {"layer", "the layer to read from a --qkv file that holds several (layers.3.q, or a leading layer axis), "
              "or the layer of a --stack to show"},
    {"stack", "a model's layers: \"window:window=1024*5,full\" (entries by commas, parameters by colons, *k "
              "repeats) or a JSON file; --layers sets the layer count"},
    {"attention", "a model's attention weights, (B, H, N, N) or (H, N, N) as output_attentions=True returns them, in "
                  "any of those formats: shown as the heatmaps and judged against --policy"},
    {"title", "figure and window title"},
};

// --mask-file draws the user's mask: the file variant (unless another variant is named, which
// then reads the file's size), with the file's keys and heads.
void mask_file_scene(Scene& scene, bool variant_given, bool n_given, bool heads_given) {
  const Scene given = scene;
  if (!variant_given) {
    scene = scene_for_mask_file(scene, scene.params.at("mask-file"));
  } else {
    const auto mask = user_mask_of_scene(scene);
    scene.n = mask->shape.keys;
    scene.heads = mask->shape.heads;
  }
  if (n_given) scene.n = given.n;
  if (heads_given) scene.heads = given.heads;
}

}  // namespace

Scene scene_classroom_default() {
  Scene scene;
  scene.title = "S2-Attn: the wrapped group leaks";
  scene.caption =
      "LongLoRA rolls half of the heads by \u2212G/2 and masks causally in the rolled frame, so the "
      "first G/2 tokens read the last G/2.";
  return scene;
}

void SceneOptions::attach(CLI::App& command) {
  command.add_option("--scene", scene_file_, "scene file (JSON); flags given with it override it");
  for (const SharedFlag& flag : kSharedFlags)
    options_[flag.name] = command.add_option(std::string("--") + flag.name, values_[flag.name],
                                             flag.help);
  // One flag per parameter name; its help quotes each variant that declares it in its own words.
  std::map<std::string, std::vector<std::string>> helps;
  std::vector<const ParamSpec*> first;
  for (const Variant* variant : variant_all())
    for (const ParamSpec& spec : variant->info().params) {
      auto& lines = helps[spec.name];
      if (lines.empty()) first.push_back(&spec);
      const std::string fallback =
          spec.default_value.empty() ? "" : fmt::format(" (default {})", spec.default_value);
      lines.push_back(fmt::format("[{}] {}{}", variant->info().name, spec.help, fallback));
    }
  for (const ParamSpec* spec : first) {
    const std::string help = fmt::format("{}", fmt::join(helps[spec->name], "; "));
    if (spec->kind == ParamSpec::Kind::Flag) {
      options_[spec->name] = command.add_flag("--" + spec->name, help);
    } else {
      options_[spec->name] = command.add_option("--" + spec->name, values_[spec->name], help);
    }
  }
  command.add_option("--max-memory", max_memory_mb_,
                     "memory budget in MiB for the masks and leak sets, and for attention values; default 1024");
}

Scene SceneOptions::scene() const {
  Scene scene = scene_file_.empty() ? scene_classroom_default() : scene_load(scene_file_);
  auto given = [&](const std::string& name) { return options_.at(name)->count() > 0; };
  auto text = [&](const std::string& name) { return values_.at(name); };
  auto as_int = [&](const std::string& name) {
    const int64_t v = parse_int(text(name), name);
    if (v < INT32_MIN || v > INT32_MAX) throw SceneError(fmt::format("{}: {} is too large", name, v));
    return static_cast<int>(v);
  };
  if (given("variant")) scene.variant = text("variant");
  if (given("n")) scene.n = as_int("n");
  if (given("heads")) scene.heads = as_int("heads");
  if (given("d")) scene.d = as_int("d");
  if (given("batch")) scene.batch = as_int("batch");
  if (given("g")) scene.g = as_int("g");
  if (given("shift")) scene.shift = as_int("shift");
  if (given("policy")) scene.policy = text("policy");
  if (given("title")) scene.title = text("title");
  if (given("seed")) {
    const int64_t seed = parse_int(text("seed"), "seed");
    if (seed < 0) throw SceneError("seed: must be a non-negative whole number");
    scene.seed = static_cast<uint64_t>(seed);
  }
  if (given("qkv")) scene.qkv = text("qkv");
  if (given("qkv-key")) scene.qkv_key = text("qkv-key");
  if (given("qkv-layout")) scene.qkv_layout = text("qkv-layout");
  if (given("layer")) scene.layer = as_int("layer");
  if (!scene.qkv.empty() && (given("qkv") || given("qkv-key") || given("qkv-layout") || given("layer"))) {
    // The file's sizes, unless a flag states one: then validation names both if they differ.
    std::set<std::string> stated;
    for (const char* key : {"n", "heads", "d", "batch"})
      if (given(key)) stated.insert(key);
    scene = qkv_file_sizes(std::move(scene), stated);
  }
  if (given("compare")) {
    scene.compare.clear();
    std::stringstream list(text("compare"));
    for (std::string item; std::getline(list, item, ',');)
      if (!item.empty()) scene.compare.push_back(item);
  }
  for (const auto& [name, option] : options_) {
    const ParamSpec* spec = variant_param_spec(name);
    if (!spec || option->count() == 0) continue;
    scene.params[name] = spec->kind == ParamSpec::Kind::Flag ? "true" : values_.at(name);
  }
  if (given("attention")) {
    if (given("mask-file")) throw SceneError("attention: give --attention or --mask-file, not both");
    scene.params["mask-file"] = text("attention");
    scene.params["mask-kind"] = "weights";
    scene.params["file-weights"] = "true";
    mask_file_scene(scene, false, given("n"), given("heads"));
  }
  if (given("mask-file")) mask_file_scene(scene, given("variant"), given("n"), given("heads"));
  if (given("stack")) {
    if (given("variant")) throw SceneError("stack: give --stack or --variant, not both; a stack names each layer's variant");
    scene.stack = stack_to_json(stack_parse(text("stack"))).dump();
  }
  // The shown layer's variant and parameters, whichever flag changed the stack or the layer.
  if (!scene.stack.empty()) scene = stack_layer_scene(scene, scene.layer.value_or(0));
  return scene;
}

bool SceneOptions::any_given() const {
  if (!scene_file_.empty()) return true;
  for (const auto& [name, option] : options_)
    if (option->count() > 0) return true;
  return false;
}

AnalyzeOptions SceneOptions::analyze_options() const {
  AnalyzeOptions options;
  if (!max_memory_mb_.empty()) {
    const int64_t mb = parse_int(max_memory_mb_, "max-memory");
    if (mb <= 0) throw SceneError("max-memory: give a positive number of MiB, e.g. --max-memory 2048");
    options.memory_budget_bytes = mb * (int64_t{1} << 20);
  }
  return options;
}

}  // namespace attnscope
