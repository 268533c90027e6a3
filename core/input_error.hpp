#pragma once
// A problem with user input: a file, a colormap or theme name, an option. The message names the
// input and says how to fix it; front ends report it and exit 2 (the CLI) or show it (the GUI).
// Scene problems are a kind of it (SceneError, core/scene.hpp).
#include <stdexcept>

namespace attnscope {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace attnscope
