#pragma once
// A problem with user input: a file, a colormap or theme name, an option. The message names the
// input and says how to fix it; front ends report it and exit 2 (the CLI) or show it (the GUI).
#include <stdexcept>

namespace attnscope {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A problem with a scene: a key of a scene file, a flag, a GUI field. The message names the key
// and says how to fix it.
class SceneError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace attnscope
