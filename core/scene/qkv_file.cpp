#include "core/scene/qkv_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <tuple>

#include "core/base/input_error.hpp"
#include "core/scene/scene.hpp"

namespace attnscope {

namespace {

struct OpenedFile {
  std::filesystem::file_time_type written;
  std::uintmax_t size = 0;
  std::shared_ptr<const QkvTensors> tensors;
};

using FileKey = std::tuple<std::string, std::string, std::string, int>;

QkvOptions qkv_options(const Scene& scene) {
  QkvOptions options;
  options.names = scene.qkv_key;
  if (!scene.qkv_layout.empty()) options.layout = qkv_layout_parse(scene.qkv_layout);
  options.layer = scene.layer;
  return options;
}

}  // namespace

std::shared_ptr<const QkvTensors> qkv_file_open(const Scene& scene) {
  // Views on several threads ask for heads of the same file: one opening serves them all.
  static std::mutex mutex;
  static std::map<FileKey, OpenedFile> opened;
  std::error_code ec;
  const auto written = std::filesystem::last_write_time(scene.qkv, ec);
  const auto size = std::filesystem::file_size(scene.qkv, ec);
  if (ec) throw InputError(fmt::format("qkv: cannot open '{}' ({}); check the path", scene.qkv, ec.message()));
  const FileKey key{scene.qkv, scene.qkv_key, scene.qkv_layout, scene.layer.value_or(-1)};
  std::lock_guard lock(mutex);
  auto it = opened.find(key);
  if (it == opened.end() || it->second.written != written || it->second.size != size) {
    auto tensors = std::make_shared<const QkvTensors>(qkv_tensors(TensorFile::open(scene.qkv), qkv_options(scene)));
    // A handful of files at most in a session; each holds only its mapping.
    it = opened.insert_or_assign(key, OpenedFile{written, size, std::move(tensors)}).first;
  }
  return it->second.tensors;
}

Scene qkv_file_sizes(Scene scene, const std::set<std::string>& stated) {
  if (scene.qkv.empty()) return scene;
  const auto tensors = qkv_file_open(scene);
  if (!stated.count("n")) scene.n = tensors->n();
  if (!stated.count("heads")) scene.heads = tensors->heads();
  if (!stated.count("d")) scene.d = tensors->d();
  if (!stated.count("batch")) scene.batch = tensors->batch();
  return scene;
}

Scene qkv_file_use(Scene scene, const std::string& path, std::optional<int> layer) {
  scene = qkv_file_drop(std::move(scene));
  scene.qkv = path;
  scene.layer = layer;
  return qkv_file_sizes(std::move(scene));
}

Scene qkv_file_drop(Scene scene) {
  scene.qkv.clear();
  scene.qkv_key.clear();
  scene.qkv_layout.clear();
  scene.layer.reset();
  return scene;
}

std::string qkv_source_text(const Scene& scene) {
  if (scene.qkv.empty()) return fmt::format("seed {}", scene.seed);
  return "q, k, v from " + std::filesystem::path(scene.qkv).filename().string() +
         (scene.layer ? fmt::format(", layer {}", *scene.layer) : "");
}

void qkv_file_check_sizes(const Scene& scene) {
  if (scene.qkv.empty()) return;
  const auto tensors = qkv_file_open(scene);
  const std::string file = std::filesystem::path(scene.qkv).filename().string();
  auto check = [&](const char* key, const char* symbol, int scene_value, int file_value) {
    if (scene_value != file_value)
      throw SceneError(fmt::format("{}: the scene says {} = {} but q, k, v in {} have {} = {}; leave --{} out to "
                                   "take the file's",
                                   key, symbol, scene_value, file, symbol, file_value, key));
  };
  check("n", "N", scene.n, tensors->n());
  check("heads", "H", scene.heads, tensors->heads());
  check("d", "D", scene.d, tensors->d());
  check("batch", "B", scene.batch, tensors->batch());
}

}  // namespace attnscope
