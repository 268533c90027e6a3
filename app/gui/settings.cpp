#include "app/gui/settings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/atomic_file.hpp"

namespace attnscope {

namespace {

using nlohmann::json;

// Reads one key; a wrong value is reported and leaves the default, so one bad key costs only itself.
template <class F>
void key_read(const json& j, const char* key, std::vector<std::string>& bad, F read) {
  if (!j.contains(key)) return;
  try {
    read(j.at(key));
  } catch (const std::exception&) {
    bad.push_back(key);
  }
}

std::vector<std::string> path_list(const json& j) {
  std::vector<std::string> list;
  for (const json& item : j) {
    if (list.size() < RecentFiles::kLimit) list.push_back(item.get<std::string>());
  }
  return list;
}

// The lab settings a training can use, else throws (the key is then reported and ignored).
LabSettings lab_settings_read(const json& v) {
  LabSettings lab;
  lab.task = v.at("task").get<std::string>();
  lab.layers = v.at("layers").get<int>();
  lab.steps = v.at("steps").get<int>();
  lab.batch = v.at("batch").get<int>();
  lab.d_model = v.at("d_model").get<int>();
  lab.lr = v.at("lr").get<double>();
  lab.vocab = v.at("vocab").get<int>();
  lab.seed = v.at("seed").get<uint64_t>();
  const auto& tasks = lab_task_names();
  if (std::find(tasks.begin(), tasks.end(), lab.task) == tasks.end()) throw std::invalid_argument("task");
  if (lab.layers < 1 || lab.steps < 1 || lab.batch < 1 || lab.d_model < 1 || lab.vocab < 2 || !(lab.lr > 0) ||
      !std::isfinite(lab.lr))
    throw std::out_of_range("lab settings");
  return lab;
}

}  // namespace

std::string settings_path() {
  namespace fs = std::filesystem;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  if (xdg && *xdg && fs::path(xdg).is_absolute()) return (fs::path(xdg) / "attnscope" / "settings.json").string();
  const char* home = std::getenv("HOME");
  if (home && *home) return (fs::path(home) / ".config" / "attnscope" / "settings.json").string();
  return {};
}

Settings settings_load(const std::string& path, std::string& warning) {
  Settings s;
  warning.clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) return s;  // first run
  std::stringstream text;
  text << in.rdbuf();
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::parse_error&) {
    warning = "settings file " + path + " is not valid JSON; using the defaults (it is rewritten when a setting changes)";
    return s;
  }
  if (!j.is_object()) {
    warning = "settings file " + path + " does not hold a JSON object; using the defaults";
    return s;
  }
  std::vector<std::string> bad;
  key_read(j, "theme", bad, [&](const json& v) {
    const ThemeName theme = theme_parse(v.get<std::string>());
    if (theme == ThemeName::HighContrast || theme == ThemeName::Bright) throw std::invalid_argument("classroom mode is its own key");
    s.theme = theme;
  });
  key_read(j, "classroom_theme", bad, [&](const json& v) {
    const ThemeName theme = theme_parse(v.get<std::string>());
    if (theme != ThemeName::HighContrast && theme != ThemeName::Bright) throw std::invalid_argument("not a classroom theme");
    s.classroom_theme = theme;
  });
  key_read(j, "colormap", bad, [&](const json& v) { s.colormap = colormap_parse(v.get<std::string>()); });
  key_read(j, "classroom", bad, [&](const json& v) { s.classroom = v.get<bool>(); });
  key_read(j, "window", bad, [&](const json& v) {
    const int w = v.at("width").get<int>(), h = v.at("height").get<int>();
    if (w < 320 || h < 240 || w > 16384 || h > 16384) throw std::out_of_range("window size");
    s.window_width = w;
    s.window_height = h;
  });
  key_read(j, "last_scene", bad, [&](const json& v) {
    Scene scene = scene_from_json(v);
    scene_validate(scene);
    s.last_scene = std::move(scene);
  });
  key_read(j, "recent", bad, [&](const json& v) {
    RecentFiles recent;
    if (v.contains("scenes")) recent.scenes = path_list(v.at("scenes"));
    if (v.contains("masks")) recent.masks = path_list(v.at("masks"));
    if (v.contains("modules")) recent.modules = path_list(v.at("modules"));
    s.recent = std::move(recent);
  });
  key_read(j, "lab", bad, [&](const json& v) { s.lab = lab_settings_read(v); });
  if (!bad.empty()) {
    std::string keys;
    for (const std::string& key : bad) keys += (keys.empty() ? "" : ", ") + key;
    warning = "settings file " + path + ": ignored unreadable " + keys +
              " (theme light|dark, colormap viridis|magma|cividis, classroom true|false, classroom_theme high-contrast|bright)";
  }
  return s;
}

void settings_save(const std::string& path, const Settings& s) {
  json j;
  j["theme"] = theme_name(s.theme);
  j["colormap"] = colormap_name(s.colormap);
  j["classroom"] = s.classroom;
  j["classroom_theme"] = theme_name(s.classroom_theme);
  j["window"] = {{"width", s.window_width}, {"height", s.window_height}};
  if (s.last_scene) j["last_scene"] = scene_to_json(*s.last_scene);
  j["recent"] = {{"scenes", s.recent.scenes}, {"masks", s.recent.masks}, {"modules", s.recent.modules}};
  j["lab"] = {{"task", s.lab.task},     {"layers", s.lab.layers}, {"steps", s.lab.steps}, {"batch", s.lab.batch},
              {"d_model", s.lab.d_model}, {"lr", s.lab.lr},       {"vocab", s.lab.vocab}, {"seed", s.lab.seed}};
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  if (ec) throw std::runtime_error("cannot create " + folder.string() + ": " + ec.message());
  atomic_write_file(path, j.dump(2) + "\n");
}

void recent_add(std::vector<std::string>& list, const std::string& path) {
  std::erase(list, path);
  list.insert(list.begin(), path);
  if (list.size() > RecentFiles::kLimit) list.resize(RecentFiles::kLimit);
}

}  // namespace attnscope
