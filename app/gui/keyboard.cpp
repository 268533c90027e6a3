// Keyboard shortcuts. Each key press arrives as one KeyPress (the window queues them as GLFW
// reports them), so ten quick taps within one frame are ten steps, as a presenter's clicker
// expects. The codes come from glfw3.h (constants only; this file links nothing from GLFW).
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "app/gui/view_context.hpp"

namespace attnscope {

namespace {

// Keys whose auto-repeat counts: holding → steps on, holding + zooms on.
bool repeats(int key) {
  return key == GLFW_KEY_RIGHT || key == GLFW_KEY_LEFT || key == GLFW_KEY_PAGE_DOWN || key == GLFW_KEY_PAGE_UP ||
         key == GLFW_KEY_LEFT_BRACKET || key == GLFW_KEY_RIGHT_BRACKET;
}

std::optional<Action> key_action(const KeyPress& press, const ViewOptions& view, bool pinned, bool working,
                                 bool error_note) {
  const int key = press.key;
  if (press.repeat && !repeats(key)) return std::nullopt;
  if (press.ctrl) {
    if (key == GLFW_KEY_Z) return press.shift ? Action{action::Redo{}} : Action{action::Undo{}};
    if (key == GLFW_KEY_Y) return action::Redo{};
    if (key == GLFW_KEY_E) return action::Export{};
    if (key == GLFW_KEY_O) return action::BrowseFolder{};
    return std::nullopt;
  }
  switch (key) {
    case GLFW_KEY_SPACE: return action::TogglePlay{};
    // Presenter clickers send PageDown / PageUp.
    case GLFW_KEY_RIGHT:
    case GLFW_KEY_PAGE_DOWN: return action::StepNext{};
    case GLFW_KEY_LEFT:
    case GLFW_KEY_PAGE_UP: return action::StepPrev{};
    case GLFW_KEY_HOME: return action::StepFirst{};
    case GLFW_KEY_END: return action::StepLast{};
    case GLFW_KEY_EQUAL:
    case GLFW_KEY_KP_ADD: return action::Zoom{1.5f, std::nullopt};
    case GLFW_KEY_MINUS:
    case GLFW_KEY_KP_SUBTRACT: return action::Zoom{1.f / 1.5f, std::nullopt};
    case GLFW_KEY_0: return action::ResetZoom{};
    case GLFW_KEY_C: return action::ToggleCompare{};
    case GLFW_KEY_O: return action::ToggleCost{};
    case GLFW_KEY_T: return action::ToggleLab{};
    case GLFW_KEY_L: return action::ToggleLeakMarks{};
    // A model stack's layers: ] the next, [ the previous; R its receptive field after this one.
    case GLFW_KEY_RIGHT_BRACKET: return action::StackLayerNext{};
    case GLFW_KEY_LEFT_BRACKET: return action::StackLayerPrev{};
    case GLFW_KEY_R: return action::ToggleStackReach{};
    case GLFW_KEY_F: return action::SetCoords{view.coords == Coords::Frame ? Coords::Original : Coords::Frame};
    case GLFW_KEY_G: return action::SetColorBy{view.color_by == ColorBy::Group ? ColorBy::Token : ColorBy::Group};
    case GLFW_KEY_K: return action::SetClassroom{!view.classroom};
    case GLFW_KEY_F11: return action::ToggleFullscreen{};
    case GLFW_KEY_ESCAPE:  // first stops the running jobs (analyses, exports, weights), then dismisses an error note, then unpins
      if (working) return action::CancelJobs{};
      if (error_note) return action::DismissToast{};
      if (pinned) return action::Pin{std::nullopt};
      return std::nullopt;
    default: break;
  }
  for (int i = 0; i < 9; ++i)
    if (key == GLFW_KEY_1 + i || key == GLFW_KEY_KP_1 + i) return action::LoadPreset{i};
  return std::nullopt;
}

}  // namespace

void keyboard_actions(ViewContext& ctx, const std::vector<KeyPress>& presses) {
  if (ImGui::GetIO().WantTextInput) return;  // typing into a field is not a shortcut
  for (const KeyPress& press : presses)
    if (auto a = key_action(press, ctx.state.view, ctx.state.pinned.has_value(), !ctx.state.jobs.empty(),
                             ctx.state.toast && ctx.state.toast->error))
      ctx.queue.push(std::move(*a));
}

}  // namespace attnscope
