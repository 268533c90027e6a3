#pragma once
// A scene's q, k, v read from the user's tensor file (scene.qkv): opened once per file and kept
// open (mapped), so views that ask for one head at a time read only that head's bytes.
#include <memory>
#include <string>

#include "core/tensors/qkv_tensors.hpp"

namespace attnscope {

struct Scene;

// The file's q, k, v as the scene names them (qkv_key, qkv_layout, layer). Throws InputError
// naming the file and what is wrong. Reopened when the file changes on disk.
std::shared_ptr<const QkvTensors> qkv_file_open(const Scene& scene);

// The scene with N, H, D and B taken from its q, k, v file; unchanged without one.
Scene qkv_file_sizes(Scene scene);

// Where the scene's q, k, v come from, in the words every view uses: "q, k, v from layer3.safetensors"
// (", layer 3" when one is chosen), or "seed 0" for generated ones.
std::string qkv_source_text(const Scene& scene);

// Throws SceneError naming the key when the scene's N, H, D or B disagree with its file's.
void qkv_file_check_sizes(const Scene& scene);

}  // namespace attnscope
