// Keyboard shortcuts. ImGui 1.86 fills io.KeysDown[] with GLFW key codes, so the codes come from
// glfw3.h (constants only; this file links nothing from GLFW).
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include "app/gui/view_context.hpp"

namespace attnscope {

void keyboard_actions(ViewContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing into a field is not a shortcut
  auto pressed = [](int key) { return ImGui::IsKeyPressed(key, false); };
  auto& q = ctx.queue;
  const ViewOptions& view = ctx.state.view;
  if (io.KeyCtrl) {
    if (pressed(GLFW_KEY_Z)) q.push(io.KeyShift ? Action{action::Redo{}} : Action{action::Undo{}});
    if (pressed(GLFW_KEY_Y)) q.push(action::Redo{});
    if (pressed(GLFW_KEY_E)) q.push(action::Export{});
    if (pressed(GLFW_KEY_O)) q.push(action::BrowseFolder{});
    return;
  }
  if (pressed(GLFW_KEY_SPACE)) q.push(action::TogglePlay{});
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT, true)) q.push(action::StepNext{});
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT, true)) q.push(action::StepPrev{});
  if (pressed(GLFW_KEY_HOME)) q.push(action::StepFirst{});
  if (pressed(GLFW_KEY_END)) q.push(action::StepLast{});
  for (int i = 0; i < 9; ++i)
    if (pressed(GLFW_KEY_1 + i) || pressed(GLFW_KEY_KP_1 + i)) q.push(action::LoadPreset{i});
  if (pressed(GLFW_KEY_EQUAL) || pressed(GLFW_KEY_KP_ADD)) q.push(action::Zoom{1.5f});
  if (pressed(GLFW_KEY_MINUS) || pressed(GLFW_KEY_KP_SUBTRACT)) q.push(action::Zoom{1.f / 1.5f});
  if (pressed(GLFW_KEY_0)) q.push(action::ResetZoom{});
  if (pressed(GLFW_KEY_C)) q.push(action::ToggleCompare{});
  if (pressed(GLFW_KEY_O)) q.push(action::ToggleCost{});
  if (pressed(GLFW_KEY_L)) q.push(action::ToggleLeakMarks{});
  if (pressed(GLFW_KEY_F)) q.push(action::SetCoords{view.coords == Coords::Frame ? Coords::Original : Coords::Frame});
  if (pressed(GLFW_KEY_G)) q.push(action::SetColorBy{view.color_by == ColorBy::Group ? ColorBy::Token : ColorBy::Group});
  if (pressed(GLFW_KEY_K)) q.push(action::SetClassroom{!view.classroom});
  if (pressed(GLFW_KEY_F11)) q.push(action::ToggleFullscreen{});
  if (pressed(GLFW_KEY_ESCAPE) && ctx.state.pinned) q.push(action::Pin{std::nullopt});
}

}  // namespace attnscope
