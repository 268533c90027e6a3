#pragma once
// What every view gets for one frame: the state to read, the queue to write, the painter for
// textures, the screen report to fill, and the fonts.
#include <imgui.h>

#include <optional>
#include <vector>

#include "app/gui/app_state.hpp"
#include "app/gui/painter.hpp"
#include "app/gui/screen_report.hpp"
#include "app/gui/ui_fonts.hpp"
#include "core/presentation/glossary.hpp"

namespace attnscope {

struct ViewContext {
  const AppState& state;
  ActionQueue& queue;
  Painter& painter;
  ScreenReport& report;
  const UiFonts& fonts;
  // The cell under the mouse this frame, whichever view found it; becomes SetHover at the end.
  std::optional<Cell> hover_next;

  bool classroom() const { return state.view.classroom; }
  // Classroom on a projector's small screen (1024×768): the layout is rearranged rather than
  // shrunk (one-line step strip, no code strip, the grid beside the whole height of the matrices).
  bool projector() const { return classroom() && ImGui::GetIO().DisplaySize.y < kProjectorHeight; }
  static constexpr float kProjectorHeight = 900.f;
  ImFont* body() const { return classroom() ? fonts.body_large : fonts.body; }
  ImFont* mono() const { return classroom() ? fonts.mono_large : fonts.mono; }
  ImFont* caption() const { return classroom() ? fonts.caption_large : fonts.caption; }
  const Theme& theme() const { return theme_get(state.view.theme()); }
};

inline ImU32 to_imu32(Rgb8 c, uint8_t alpha = 255) { return IM_COL32(c.r, c.g, c.b, alpha); }
inline ImU32 text_on(Rgb8 background) { return to_imu32(text_color_on(background)); }

// The views, one file each.
void view_menu(ViewContext& ctx);
// File > Open: a floating window over the layout while the state's browser is open.
void view_file_browser(ViewContext& ctx);
void view_scene(ViewContext& ctx);
// The running jobs (state.jobs) as progress bars, and the button that cancels them: at the foot
// of the scene panel, in classroom mode over the foot of the heatmaps' panel. The height they take.
void view_jobs(ViewContext& ctx);
float view_jobs_height(const ViewContext& ctx);
void view_presets(ViewContext& ctx);
void view_step_header(ViewContext& ctx);
void view_token_grid(ViewContext& ctx);
// Width the token grid's panel needs at most: wider only spreads its columns apart.
float token_grid_width(ViewContext& ctx);
void view_heatmaps(ViewContext& ctx);
void view_inspector(ViewContext& ctx);
// Classroom: the focused cell in two lines under the heatmaps (the editing column is hidden), in
// inspector_line_font.
void view_inspector_line(ViewContext& ctx);
ImFont* inspector_line_font(const ViewContext& ctx);
void view_compare(ViewContext& ctx);
// The cost of every variant at the scene's numbers, the layer around it, why a leak matters.
void view_cost(ViewContext& ctx);
// The Lab panel (key T) in place of the heatmaps: settings, Train, live curves, the result.
void view_lab(ViewContext& ctx);
// A model stack: its layer strip over the heatmaps (and its height, 0 without a stack), and the
// receptive field after the shown layer in the heatmaps' place.
void view_stack_strip(ViewContext& ctx);
float stack_strip_height(const ViewContext& ctx);
void view_stack_reach(ViewContext& ctx);
// A lab result's per-position loss as two rows of cells (training mask, full causal) coloured
// against ln V, with the positions that can reach their own target marked under them: position p
// at [x + p·width/N, ...), so under a heatmap its cells stand under the matching key columns; the
// rows' names follow them on the right.
void lab_loss_rows(ViewContext& ctx, const LabResult& result, float x, float width);
float lab_loss_rows_height();
// The colours of those rows: a gradient from loss 0 through ln V to 2 ln V, on one line.
void lab_loss_legend(ViewContext& ctx, double ln_vocab);
// The definition of `term` while the last item is hovered.
void glossary_tooltip(const GlossaryTerm& term);
// "Terms: frame · slot · leak", each showing its definition when hovered.
void glossary_terms_line(const std::string& text);
void glossary_terms_line(const std::vector<const GlossaryTerm*>& terms);
void view_timeline(ViewContext& ctx);
// Height of the timeline at `width`: its step buttons wrap onto more lines when they do not fit.
float timeline_height(ViewContext& ctx, float width);
// The whole window: a fixed layout of the views above that follows the window size.
void view_frame(ViewContext& ctx);
// One key press or auto-repeat as the window system reported it (GLFW key codes).
struct KeyPress {
  int key = 0;
  bool ctrl = false, shift = false;
  bool repeat = false;
};
// Keyboard shortcuts as actions, one per press in order (none while a text field has focus).
void keyboard_actions(ViewContext& ctx, const std::vector<KeyPress>& presses);

}  // namespace attnscope
