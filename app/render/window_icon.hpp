#pragma once
// The window's icon (taskbars and window switchers read it from the window, not from the
// desktop entry): the application icon's PNGs, embedded at build time.
struct GLFWwindow;

namespace attnscope {

void window_icon_set(GLFWwindow* window);

}  // namespace attnscope
