#pragma once
// What `attnscope gui` (or no subcommand) asks the desktop GUI to do. Parsed by the headless CLI
// and handed to a launcher that the binary supplies, so the CLI library never links GL.
#include <functional>
#include <string>

#include "core/scene.hpp"

namespace attnscope {

struct GuiRequest {
  Scene scene;
  bool scene_given = false;  // false: open the first preset (the classroom lesson, with captions)
  int step = -1;           // -1: the first step (interactive) or the last (screenshot)
  std::string screenshot;  // non-empty: render `frames` frames, save this PNG and exit
  int frames = 3;
  bool classroom = false;
  bool compare_view = false;  // open the compare view (the scene's --compare list, else its relatives)
  int bench_frames = 0;    // > 0: render this many frames, print frame-time statistics, exit
  int width = 1280, height = 800;  // the window's size in screen pixels
  std::string state_out;   // non-empty: rewrite this JSON file with the step, zoom and scene after each change
};

// Returns the process exit code.
using GuiLauncher = std::function<int(const GuiRequest&)>;

}  // namespace attnscope
