// The menu bar: every entry is an action, with its keyboard shortcut shown.
#include <fmt/format.h>

#include "app/gui/view_context.hpp"
#include "core/presentation/glossary.hpp"

namespace attnscope {

namespace {

void recent_items(ViewContext& ctx, const char* kind, const std::vector<std::string>& paths) {
  if (paths.empty()) return;
  ImGui::TextDisabled("%s", kind);
  for (const std::string& path : paths)
    if (ImGui::MenuItem(path.c_str())) ctx.queue.push(action::OpenFile{path});
}

void view_recent_menu(ViewContext& ctx) {
  const RecentFiles& recent = ctx.state.recent;
  const bool any = !recent.scenes.empty() || !recent.masks.empty() || !recent.modules.empty();
  if (!ImGui::BeginMenu("Open recent", any)) return;
  recent_items(ctx, "Scenes", recent.scenes);
  recent_items(ctx, "Masks", recent.masks);
  recent_items(ctx, "Modules", recent.modules);
  ImGui::Separator();
  if (ImGui::MenuItem("Clear recent files")) ctx.queue.push(action::ClearRecent{});
  ImGui::EndMenu();
}

}  // namespace

void view_menu(ViewContext& ctx) {
  const ViewOptions& view = ctx.state.view;
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open ...", "Ctrl+O")) ctx.queue.push(action::BrowseFolder{});
    view_recent_menu(ctx);
    ImGui::Separator();
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
    if (ImGui::MenuItem("Cost of every variant", "O", view.cost)) ctx.queue.push(action::ToggleCost{});
    if (ImGui::MenuItem("Lab: train a tiny model", "T", view.lab)) ctx.queue.push(action::ToggleLab{});
    if (ImGui::MenuItem("Leak marks", "L", view.leak_marks)) ctx.queue.push(action::ToggleLeakMarks{});
    if (ImGui::MenuItem("Frame coordinates", "F", view.coords == Coords::Frame))
      ctx.queue.push(action::SetCoords{view.coords == Coords::Frame ? Coords::Original : Coords::Frame});
    if (ImGui::MenuItem("Colour tokens by group", "G", view.color_by == ColorBy::Group))
      ctx.queue.push(action::SetColorBy{view.color_by == ColorBy::Group ? ColorBy::Token : ColorBy::Group});
    if (ImGui::BeginMenu("Theme")) {
      for (ThemeName name : {ThemeName::Light, ThemeName::Dark})
        if (ImGui::MenuItem(theme_name(name), nullptr, view.desk_theme == name)) ctx.queue.push(action::SetTheme{name});
      ImGui::Separator();
      ImGui::TextDisabled("in classroom mode (K)");
      for (ThemeName name : {ThemeName::HighContrast, ThemeName::Bright})
        if (ImGui::MenuItem(name == ThemeName::Bright ? "bright (a lit room)" : "high-contrast (a dark room)", nullptr,
                            view.classroom_theme == name))
          ctx.queue.push(action::SetTheme{name});
      ImGui::EndMenu();
    }
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
  // Every term the lessons use; hovering one shows its definition.
  if (ImGui::BeginMenu("Glossary")) {
    for (const GlossaryTerm& term : glossary()) {
      ImGui::MenuItem(term.term.c_str());
      glossary_tooltip(term);
    }
    ImGui::EndMenu();
  }
  ImGui::EndMenuBar();
}

}  // namespace attnscope
