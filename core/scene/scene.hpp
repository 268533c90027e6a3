#pragma once
// Scene: the only thing a user edits. Every subcommand, scene file and GUI control maps onto it.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/base/input_error.hpp"
#include "core/base/parse_numbers.hpp"

namespace attnscope {

struct Scene {
  std::string title;
  std::string caption;
  std::string variant = "s2";
  int n = 16;
  int heads = 2;
  int d = 8;
  int batch = 1;
  int g = 4;
  std::optional<int> shift;  // torch.roll sign convention; unset means -G/2
  std::string policy = "causal";
  uint64_t seed = 0;
  // Where q, k, v come from: empty, generated from `seed`; else the user's tensor file (.npy,
  // .npz, .safetensors, .pt), whose shapes then give N, H, D and B (core/scene/qkv_file.hpp).
  std::string qkv;
  std::string qkv_key;       // "q=A,k=B,v=C" or "qkv=A": the file's entries; empty: found by name
  std::string qkv_layout;    // "bnhd" (B, N, H, D), the default, or "bhnd"
  std::optional<int> layer;  // the layer of a file that holds several, or of the stack
  // A model stack (core/scene/stack.hpp) as JSON text; empty: one pattern for every layer. With a
  // stack, variant and params are those of layer `layer` (0 when unset): the rest of attnscope
  // sees one ordinary scene per layer.
  std::string stack;
  // Variant-specific parameters as text ("4", "0,5"), keyed by the long flag name without dashes.
  std::map<std::string, std::string> params;
  std::vector<std::string> compare;
  // Classroom captions keyed by step name, written for one scene: they replace the computed
  // caption only while the scene is still that one (scene_captions_apply).
  std::map<std::string, std::string> captions;
  // The scene the captions were written for, as scene_captions_key gives it: set when a scene
  // file with captions is read, so flags or edits that change the scene retire its captions.
  std::string captions_key;

  int effective_shift() const;
  bool operator==(const Scene&) const = default;
};

// Keys a scene file may contain besides variant parameters.
const std::vector<std::string>& scene_common_keys();

// Throws SceneError naming the key. Checks the variant's own rules too.
void scene_validate(const Scene& scene);

// Everything the captions describe: every key of the scene but its title, captions and compare list.
std::string scene_captions_key(const Scene& scene);
// True while the scene's hand-written captions were written for it.
bool scene_captions_apply(const Scene& scene);

Scene scene_from_json(const nlohmann::json& j, Scene base = {});
nlohmann::json scene_to_json(const Scene& scene);
Scene scene_load(const std::string& path);
// Atomic: writes a temporary file next to the target, then renames it over the target.
void scene_save(const Scene& scene, const std::string& path);

// Reads a variant parameter: the scene's value if set, else the spec default.
int64_t scene_param_int(const Scene& scene, const std::string& name);
double scene_param_number(const Scene& scene, const std::string& name);
std::vector<int64_t> scene_param_int_list(const Scene& scene, const std::string& name);
std::string scene_param_text(const Scene& scene, const std::string& name);
// The parameter's value (or default) typed as it appears in a scene file.
nlohmann::json scene_param_json(const Scene& scene, const std::string& name);

}  // namespace attnscope
