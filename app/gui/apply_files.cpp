// File > Open for apply(): scenes, masks and modules by what the file holds, the file browser's
// folder listing, and an audited module's scene becoming the current one.
#include <fmt/format.h>

#include <filesystem>

#include "app/gui/apply.hpp"
#include "app/gui/apply_parts.hpp"
#include "app/gui/file_browser.hpp"
#include "core/masks/user_mask.hpp"

namespace attnscope::apply_parts {

namespace {

void browser_list(FileBrowser& browser) { browser.entries = folder_list(browser.folder, browser.filter, browser.error); }

void toast(AppState& state, std::string text, bool error = false) {
  attnscope::apply(state, action::ShowToast{std::move(text), error});
}

}  // namespace

void browse_folder(AppState& state, const std::string& folder) {
  std::error_code ec;
  const std::string from = !folder.empty()                ? folder
                           : !state.browser.folder.empty() ? state.browser.folder
                                                           : std::filesystem::current_path(ec).string();
  state.browser.folder = std::filesystem::absolute(from, ec).lexically_normal().string();
  state.browser.open = true;
  browser_list(state.browser);
}

void browse_filter(AppState& state, const std::string& extension) {
  state.browser.filter = extension;
  browser_list(state.browser);
}

// The module's scene becomes the current one, undoable like an edit; dropped if the user changed
// the scene while the audit ran.
void module_opened(AppState& state, const action::AnalysisReady& a) {
  const std::string name = std::filesystem::path(a.opened_module).filename().string();
  if (a.generation != state.generation) return;
  if (!a.analysis) {
    toast(state, "cannot open " + name + ": " + a.error, true);
    return;
  }
  remember_for_undo(state);
  state.scene = a.analysis->scene;
  ++state.generation;
  install(state, a.analysis);
  recent_add(state.recent.modules, a.opened_module);
  toast(state, fmt::format("opened {}: {} leaking cells", name, a.analysis->metrics.total_leaks));
}

// Scenes open as an edit (undo returns to the previous one); a file that cannot be read leaves
// the scene alone and says why in a toast. A .pt that is not a saved tensor may be a TorchScript
// module: its audit runs as a job.
void file_open(AppState& state, const std::string& given) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string path = fs::absolute(given, ec).lexically_normal().string();
  if (!fs::is_regular_file(path, ec)) {
    toast(state, given + ": no such file", true);
    return;
  }
  const std::string name = fs::path(path).filename().string();
  const FileKind kind = file_kind(path);
  switch (kind) {
    case FileKind::Scene:
      try {
        Scene scene = scene_load(path);
        edit_scene(state, std::move(scene));
        recent_add(state.recent.scenes, path);
        toast(state, "opened " + name);
      } catch (const std::exception& e) {
        toast(state, "cannot open " + name + ": " + e.what(), true);
      }
      return;
    case FileKind::Mask:
    case FileKind::MaskOrModule: {
      std::string mask_error;
      try {
        edit_scene(state, scene_for_mask_file(state.scene, path));
        recent_add(state.recent.masks, path);
        toast(state, "opened " + name + ", judged against the " + state.scene.policy + " policy");
        return;
      } catch (const std::exception& e) {
        mask_error = e.what();
      }
      if (kind == FileKind::Mask || !state.audit_module) {
        toast(state, "cannot open " + name + ": " + mask_error, true);
        return;
      }
      audit_start(state, path, mask_error);
      return;
    }
    case FileKind::Unknown:
      toast(state, name + ": attnscope opens scenes (.json), masks (.npy, .pt) and modules (.pt); this is none of them", true);
      return;
  }
}

}  // namespace attnscope::apply_parts
