#pragma once
// Reads the back buffer (call before glfwSwapBuffers: afterwards its contents are undefined) and
// writes it as a PNG, atomically, with a JSON sidecar describing where the views drew things.
#include <nlohmann/json.hpp>
#include <string>

namespace attnscope {

// Throws std::runtime_error naming the path on failure.
void screenshot_write(const std::string& png_path, int width, int height, const nlohmann::json& sidecar);

}  // namespace attnscope
