#pragma once
// What `attnscope gui` (or no subcommand) asks the desktop GUI to do. Parsed by the headless CLI
// and handed to a launcher that the binary supplies, so the CLI library never links GL.
#include <functional>
#include <optional>
#include <string>

#include "core/analysis/analysis.hpp"
#include "core/analysis/audit_analysis.hpp"
#include "core/scene/token_text.hpp"
#include "core/torch/lab_run.hpp"

namespace attnscope {

inline constexpr int kZoomToSpan = 48;  // tokens on screen after --zoom-to Q,K

struct GuiRequest {
  Scene scene;
  bool scene_given = false;  // false: open the first preset (the classroom lesson, with captions)
  int step = -1;           // -1: the first step (interactive) or the last (screenshot)
  std::string screenshot;  // non-empty: render `frames` frames, save this PNG and exit
  int frames = 3;
  bool classroom = false;
  bool bright = false;  // classroom mode in black on white, for a lit room
  bool no_settings = false;  // neither read nor write the settings file (screenshots never do)
  bool cost = false;       // open on the cost panel
  bool stack_reach = false;  // a model stack: open on the receptive field after the shown layer
  bool compare_view = false;  // open the compare view (the scene's --compare list, else its relatives)
  int bench_frames = 0;    // > 0: render this many frames, print frame-time statistics, exit
  // --bench-then: what the user does halfway through the benchmark, so the frames after a change
  // are timed too: "cost" (O), "compare:VARIANT" (B of the compare view), "variant:VARIANT" (the
  // scene's own), "theme:NAME"; empty: nothing.
  std::string bench_then;
  int width = 0, height = 0;  // the window's size in screen pixels (--size); 0: the settings' size
  std::string state_out;   // non-empty: rewrite this JSON file with the step, zoom and scene after each change
  // Open zoomed in on a cell with `span` tokens on screen.
  struct ZoomTo {
    int q = 0, k = 0, span = 0;
  };
  std::optional<ZoomTo> zoom_to;
  std::shared_ptr<const Analysis> audit;  // set: open this audited module instead of a scene
  ModuleAuditor audit_module;  // how File > Open opens a module
  LabTrainer lab_trainer;      // how the Lab panel trains
  // The Lab panel open at start (--lab); with lab_steps > 0 (--lab-steps) a training of that many
  // steps starts at once (screenshots wait for it).
  bool lab = false;
  int lab_steps = 0;
  int lab_open = -1;  // >= 0 (--lab-open L): after that training, its layer L's q, k, v become the scene's
  TokenText token_text;        // --tokens: each token's text on the axes and in the inspector
  int64_t memory_budget_bytes = int64_t{1} << 30;  // --max-memory: analyses keep their values when they fit
};

// Returns the process exit code.
using GuiLauncher = std::function<int(const GuiRequest&)>;

}  // namespace attnscope
