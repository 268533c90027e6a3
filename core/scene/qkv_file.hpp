#pragma once
// A scene's q, k, v read from the user's tensor file (scene.qkv): opened once per file and kept
// open (mapped), so views that ask for one head at a time read only that head's bytes.
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/tensors/qkv_tensors.hpp"

namespace attnscope {

struct Scene;

// The file's q, k, v as the scene names them (qkv_key, qkv_layout, layer). Throws InputError
// naming the file and what is wrong. Reopened when the file changes on disk.
std::shared_ptr<const QkvTensors> qkv_file_open(const Scene& scene);

// The scene with N, H, D and B taken from its q, k, v file, but for the keys in `stated` ("n",
// "heads", "d", "batch": a scene file or flag gave them; validation names both if they differ);
// unchanged without a file.
Scene qkv_file_sizes(Scene scene, const std::set<std::string>& stated = {});

// The scene reading its q, k, v from `path`, found by their names, with the file's sizes; `layer`
// chooses one of a file that holds several (none: the file must hold one).
Scene qkv_file_use(Scene scene, const std::string& path, std::optional<int> layer = std::nullopt);
// The scene back on generated q, k, v (its sizes kept).
Scene qkv_file_drop(Scene scene);

// Where the scene's q, k, v come from, in the words every view uses: "q, k, v from layer3.safetensors"
// (", layer 3" when one is chosen), or "seed 0" for generated ones.
std::string qkv_source_text(const Scene& scene);

// Throws SceneError naming the key when the scene's N, H, D or B disagree with its file's.
void qkv_file_check_sizes(const Scene& scene);

}  // namespace attnscope
