// File > Open: a small browser over one folder at a time. Folders open on click, files open and
// close the browser; the filter narrows the list to one kind of file.
#include <filesystem>

#include "app/gui/file_browser.hpp"
#include "app/gui/view_context.hpp"

namespace attnscope {

void view_file_browser(ViewContext& ctx) {
  const FileBrowser& browser = ctx.state.browser;
  if (!browser.open) return;
  namespace fs = std::filesystem;
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowSize({display.x * 0.5f, display.y * 0.6f}, ImGuiCond_Appearing);
  ImGui::SetNextWindowPos({display.x * 0.5f, display.y * 0.5f}, ImGuiCond_Appearing, {0.5f, 0.5f});
  bool open = true;
  if (!ImGui::Begin("Open file", &open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (ImGui::Button("Up")) ctx.queue.push(action::BrowseFolder{fs::path(browser.folder).parent_path().string()});
  ImGui::SameLine();
  ImGui::TextUnformatted(browser.folder.c_str());

  const char* shown = browser.filter.empty() ? "scenes, masks, modules" : browser.filter.c_str();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14.f);
  if (ImGui::BeginCombo("files", shown)) {
    if (ImGui::Selectable("scenes, masks, modules", browser.filter.empty())) ctx.queue.push(action::BrowseFilter{""});
    for (const std::string& ext : browser_extensions())
      if (ImGui::Selectable(ext.c_str(), browser.filter == ext)) ctx.queue.push(action::BrowseFilter{ext});
    ImGui::EndCombo();
  }
  if (!browser.error.empty()) ImGui::TextColored({0.8f, 0.1f, 0.1f, 1.f}, "%s", browser.error.c_str());

  const float footer = ImGui::GetFrameHeightWithSpacing();
  ImGui::BeginChild("entries", {0.f, -footer}, true);
  for (const FileBrowser::Entry& entry : browser.entries) {
    const std::string label = entry.folder ? entry.name + "/" : entry.name;
    const bool clicked = ImGui::Selectable(label.c_str());
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ctx.report.browser_entries.push_back({label, {a.x, a.y, b.x, b.y}});
    if (!clicked) continue;
    const std::string path = (fs::path(browser.folder) / entry.name).string();
    if (entry.folder) {
      ctx.queue.push(action::BrowseFolder{path});
    } else {
      ctx.queue.push(action::OpenFile{path});
      ctx.queue.push(action::CloseBrowser{});
    }
  }
  if (browser.entries.empty() && browser.error.empty()) ImGui::TextDisabled("nothing to open here");
  ImGui::EndChild();
  if (ImGui::Button("Cancel")) open = false;
  ImGui::End();
  if (!open) ctx.queue.push(action::CloseBrowser{});
}

}  // namespace attnscope
