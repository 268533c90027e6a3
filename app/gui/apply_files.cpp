// File > Open for apply(): scenes, masks, q, k, v, attention weights, modules and tokens by what the file holds, the file browser's
// folder listing, and an audited module's scene becoming the current one.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app/gui/apply.hpp"
#include "app/gui/apply_parts.hpp"
#include "app/gui/file_browser.hpp"
#include "core/base/digits.hpp"
#include "core/masks/user_mask.hpp"
#include "core/scene/qkv_file.hpp"
#include "core/scene/token_text.hpp"

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
  toast(state, fmt::format("opened {}: {} leaking cells", name, digits_grouped(a.analysis->metrics.total_leaks)));
}

namespace {

// A tensor file as a model's attention weights, drawn by the file variant.
Scene scene_with_attention_file(Scene scene, const std::string& path) {
  scene.params["mask-kind"] = "weights";
  scene.params["file-weights"] = "true";
  return scene_for_mask_file(std::move(scene), path);
}

// A .json file holding a list (of token strings) rather than an object (a scene).
bool tokens_json(const std::string& path) {
  std::ifstream in(path);
  char first = 0;
  in >> first;  // skips white space
  return first == '[';
}

// The tokens' text labels the axes and the inspector; a count that is not the scene's N is said
// at once (the text stays, shown again once N matches).
void tokens_open(AppState& state, const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  try {
    TokenText text = token_text_read(path);
    const size_t count = text.tokens.size();
    attnscope::apply(state, action::SetTokenText{std::move(text)});
    recent_add(state.recent.masks, path);
    if (static_cast<int>(count) == state.scene.n)
      toast(state, fmt::format("opened {}: the text of {} tokens on the axes and in the inspector", name, digits_grouped(static_cast<int64_t>(count))));
    else
      toast(state, fmt::format("opened {}: {} token{}, but the scene has N = {}; their text shows when N is {}", name,
                               digits_grouped(static_cast<int64_t>(count)), count == 1 ? "" : "s",
                               digits_grouped(state.scene.n), digits_grouped(static_cast<int64_t>(count))),
            true);
  } catch (const std::exception& e) {
    toast(state, "cannot open " + name + ": " + e.what(), true);
  }
}

}  // namespace

// Scenes open as an edit (undo returns to the previous one); a file that cannot be read leaves
// the scene alone and says why in a toast. A tensor file is tried as what its kind may hold, in
// turn: a mask, q, k, v, a model's attention weights, and (.pt) a TorchScript module, whose
// audit runs as a job.
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
  if (kind == FileKind::Scene && !tokens_json(path)) {
    try {
      Scene scene = scene_load(path);
      edit_scene(state, std::move(scene));
      recent_add(state.recent.scenes, path);
      toast(state, "opened " + name);
    } catch (const std::exception& e) {
      toast(state, "cannot open " + name + ": " + e.what(), true);
    }
    return;
  }
  if (kind == FileKind::Scene || kind == FileKind::Tokens) {
    tokens_open(state, path);
    return;
  }
  if (kind == FileKind::Unknown) {
    toast(state, name + ": attnscope opens scenes (.json), masks, q, k, v and attention weights (.npy, .npz, "
                        ".safetensors, .pt), modules (.pt) and tokens (.txt, or a .json list); this is none of them", true);
    return;
  }
  // Why each reading failed; a file that no reader can even open says so once.
  std::vector<std::pair<std::string, std::string>> reasons;
  auto attempt = [&](const char* as, auto make_scene, const std::string& opened) {
    try {
      edit_scene(state, make_scene());
      recent_add(state.recent.masks, path);
      toast(state, "opened " + name + opened);
      return true;
    } catch (const std::exception& e) {
      reasons.emplace_back(as, e.what());
      return false;
    }
  };
  if (kind != FileKind::Tensors &&
      attempt("a mask", [&] { return scene_for_mask_file(state.scene, path); },
              ", judged against the " + state.scene.policy + " policy"))
    return;
  if (attempt("q, k, v", [&] { return qkv_file_use(state.scene, path); }, ": its q, k, v replace the generated ones"))
    return;
  if (attempt("attention weights", [&] { return scene_with_attention_file(state.scene, path); },
              ": a model's attention weights, judged against the " + state.scene.policy + " policy"))
    return;
  const bool one_reason = std::all_of(reasons.begin(), reasons.end(),
                                      [&](const auto& r) { return r.second == reasons.front().second; });
  std::vector<std::string> parts;
  for (const auto& [as, what] : reasons) parts.push_back(fmt::format("not {} ({})", as, what));
  std::string why = one_reason ? reasons.front().second : fmt::format("{}", fmt::join(parts, "; "));
  if (kind != FileKind::MaskOrModule || !state.audit_module) {
    toast(state, "cannot open " + name + ": " + why, true);
    return;
  }
  audit_start(state, path, why);
}

}  // namespace attnscope::apply_parts
