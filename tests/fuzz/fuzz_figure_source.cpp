// `export --from FILE`: the PNG, SVG, PDF and GIF readers of the embedded scene. Any bytes either
// give a figure source or throw InputError; a source that parses holds a valid scene or fails
// validation with InputError.
#include <cstdint>
#include <string>

#include "core/figure/figure.hpp"

using namespace attnscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const FigureSource source = figure_source_from_bytes(bytes, "fuzz");
    scene_validate(source.scene);
  } catch (const InputError&) {
  }
  return 0;
}
