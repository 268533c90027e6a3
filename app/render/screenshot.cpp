#include "app/render/screenshot.hpp"

#include <stb_image_write.h>

#include <vector>

#include "app/render/gl.hpp"
#include "core/base/atomic_file.hpp"

namespace attnscope {

void screenshot_write(const std::string& png_path, int width, int height, const nlohmann::json& sidecar) {
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  // GL returns the bottom row first; a PNG starts with the top row.
  std::vector<unsigned char> flipped(pixels.size());
  const size_t stride = static_cast<size_t>(width) * 3;
  for (int y = 0; y < height; ++y)
    std::copy_n(&pixels[(height - 1 - y) * stride], stride, &flipped[y * stride]);
  std::string png;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
  };
  if (!stbi_write_png_to_func(append, &png, width, height, 3, flipped.data(), static_cast<int>(stride)))
    throw std::runtime_error(png_path + ": could not encode the PNG");
  atomic_write_file(png_path, png);
  atomic_write_file(png_path + ".json", sidecar.dump(2) + "\n");
}

}  // namespace attnscope
