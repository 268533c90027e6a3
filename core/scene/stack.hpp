#pragma once
// A model stack: the attention pattern of every layer of a model, as real models are built
// (Gemma-3's five sliding-window layers per global one, GPT-OSS's alternation, Llama-4's chunked
// layers with every fourth global). A pattern of layer entries is repeated, and cut, to the
// model's layer count; each entry is a scene object (a variant and its parameters, any shared
// key such as g) and may give some heads a scene of their own (DuoAttention's full heads).
//
// Scene files: "stack": {"pattern": [{"variant": "window", "window": 1024, "repeat": 5},
//                                    {"variant": "full"}],
//                        "layers": 62}
// with optional "heads": {"0": {"variant": "full"}} inside an entry.
// Flags: --stack "window:window=1024*5,full" (entries split by commas, parameters by colons,
// "*k" repeats an entry) or --stack FILE.json holding the object above.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/scene/scene.hpp"

namespace attnscope {

struct StackEntry {
  nlohmann::json scene;               // variant, parameters and shared keys of the layer
  std::map<int, nlohmann::json> heads;  // head -> the scene object that head follows instead
  bool operator==(const StackEntry&) const = default;
};

struct Stack {
  std::vector<StackEntry> pattern;  // repeats already expanded
  int layers = 0;                   // the pattern is repeated, and cut, to this many layers
  const StackEntry& entry(int layer) const { return pattern[static_cast<size_t>(layer) % pattern.size()]; }
  bool operator==(const Stack&) const = default;
};

// Throw SceneError ("stack: ...") on a malformed stack.
Stack stack_from_json(const nlohmann::json& j);
nlohmann::json stack_to_json(const Stack& stack);
// The flag form, or a path to a JSON file holding a stack object (or a scene with "stack").
Stack stack_parse(const std::string& text);

// Relative paths of the entries' path parameters read as relative to `folder` (a scene file's).
Stack stack_relative_to(Stack stack, const std::string& folder);

// A scene's stack (scene.stack holds its JSON text; empty: no stack).
Stack scene_stack(const Scene& scene);
// The scene of one layer: the stack's entry for `layer` over the shared keys of `scene` (n, heads,
// seed, ...), with scene.layer = layer so that files with a layer axis (DuoAttention's gates, a
// mask file) give that layer's heads. The stack is kept, so the scene still names its model.
Scene stack_layer_scene(const Scene& scene, int layer);
// The scenes of heads that follow their own entry in `layer`, by head.
std::map<int, Scene> stack_head_scenes(const Scene& scene, int layer);
// The scene with its stack repeated, or cut, to `layers` layers (--layers with --stack).
Scene stack_with_layers(const Scene& scene, int layers);
// Every layer's scene and head scenes valid, the layer count in range.
void stack_validate(const Scene& scene);

}  // namespace attnscope
