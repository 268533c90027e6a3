#include "app/render/window_icon.hpp"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <stb_image.h>

#include <memory>
#include <string_view>
#include <vector>

namespace attnscope {

namespace embedded {
extern const std::string_view kIcon48;   // assets/icons/attnscope-48.png
extern const std::string_view kIcon128;  // assets/icons/attnscope-128.png
}  // namespace embedded

void window_icon_set(GLFWwindow* window) {
  using Pixels = std::unique_ptr<stbi_uc, decltype(&stbi_image_free)>;
  std::vector<Pixels> pixels;
  std::vector<GLFWimage> images;
  for (std::string_view png : {embedded::kIcon48, embedded::kIcon128}) {
    int w = 0, h = 0, channels = 0;
    Pixels rgba(stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()), static_cast<int>(png.size()),
                                      &w, &h, &channels, 4),
                &stbi_image_free);
    if (!rgba) continue;  // an icon is a nicety: without it the window still opens
    images.push_back({w, h, rgba.get()});
    pixels.push_back(std::move(rgba));
  }
  if (!images.empty()) glfwSetWindowIcon(window, static_cast<int>(images.size()), images.data());
}

}  // namespace attnscope
