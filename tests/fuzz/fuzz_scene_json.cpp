// Scene files: any bytes either load as a valid scene or throw InputError. A scene that
// validates survives a save/load round trip unchanged, and small ones analyse without error.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "core/analysis/analysis.hpp"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  Scene scene;
  try {
    scene = scene_from_json(j);
    scene_validate(scene);
  } catch (const InputError&) {
    return 0;
  }
  // What scene_save writes, scene_load must read back as the same scene.
  const Scene again = scene_from_json(nlohmann::json::parse(scene_to_json(scene).dump(2)));
  if (!(again == scene)) std::abort();
  // Analysing large scenes is a question of time, not of parsing: keep each input fast.
  if (scene.n > 64 || scene.heads > 8 || scene.batch > 2 || scene.d > 64 || scene.compare.size() > 2)
    return 0;
  try {
    analyze(scene);
  } catch (const InputError&) {
    // Variant rules that only analysis checks (e.g. a window larger than n) are reported too.
  }
  return 0;
}
