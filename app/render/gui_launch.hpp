#pragma once
// The desktop GUI: opens a GLFW window and runs the frame loop (or renders a screenshot, or a
// frame-time benchmark). Returns the process exit code.
#include "app/cli/gui_request.hpp"

namespace attnscope {

// Without a display: a message and exit code 1, or 77 in screenshot/bench mode so CTest can
// skip; ATTNSCOPE_REQUIRE_DISPLAY=1 turns that skip into a failure (1).
int gui_launch(const GuiRequest& request);

}  // namespace attnscope
