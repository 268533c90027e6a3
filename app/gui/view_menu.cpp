// The menu bar: every entry is an action, with its keyboard shortcut shown.
#include <fmt/format.h>

#include "app/gui/view_context.hpp"

namespace attnscope {

void view_menu(ViewContext& ctx) {
  const ViewOptions& view = ctx.state.view;
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Export figure", "Ctrl+E")) ctx.queue.push(action::Export{});
    // Where exports go; applied when the field loses focus or on Enter.
    char folder[512];
    fmt::format_to_n(folder, sizeof folder - 1, "{}", ctx.state.export_folder).out[0] = '\0';
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18.f);
    ImGui::InputTextWithHint("Export folder", "the folder attnscope started in", folder, sizeof folder);
    if (ImGui::IsItemDeactivatedAfterEdit()) ctx.queue.push(action::SetExportFolder{folder});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Edit")) {
    if (ImGui::MenuItem("Undo", "Ctrl+Z", false, !ctx.state.history.undo.empty())) ctx.queue.push(action::Undo{});
    if (ImGui::MenuItem("Redo", "Ctrl+Y", false, !ctx.state.history.redo.empty())) ctx.queue.push(action::Redo{});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Compare variants", "C", view.compare)) ctx.queue.push(action::ToggleCompare{});
    if (ImGui::MenuItem("Leak marks", "L", view.leak_marks)) ctx.queue.push(action::ToggleLeakMarks{});
    if (ImGui::MenuItem("Frame coordinates", "F", view.coords == Coords::Frame))
      ctx.queue.push(action::SetCoords{view.coords == Coords::Frame ? Coords::Original : Coords::Frame});
    if (ImGui::MenuItem("Colour tokens by group", "G", view.color_by == ColorBy::Group))
      ctx.queue.push(action::SetColorBy{view.color_by == ColorBy::Group ? ColorBy::Token : ColorBy::Group});
    if (ImGui::BeginMenu("Colormap")) {
      for (ColormapName name : {ColormapName::Viridis, ColormapName::Magma, ColormapName::Cividis})
        if (ImGui::MenuItem(colormap_name(name), nullptr, view.colormap == name)) ctx.queue.push(action::SetColormap{name});
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Reset zoom", "0")) ctx.queue.push(action::ResetZoom{});
    ImGui::Separator();
    if (ImGui::MenuItem("Classroom mode", "K", view.classroom)) ctx.queue.push(action::SetClassroom{!view.classroom});
    if (ImGui::MenuItem("Fullscreen", "F11", view.fullscreen)) ctx.queue.push(action::ToggleFullscreen{});
    ImGui::EndMenu();
  }
  ImGui::EndMenuBar();
}

}  // namespace attnscope
