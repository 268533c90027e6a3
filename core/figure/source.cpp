#include "core/figure/source.hpp"

#include <nlohmann/json.hpp>

namespace attnscope::figure {

namespace {

constexpr const char* kMagic = "attnscope-figure";

nlohmann::json options_json(const FigureOptions& o) {
  return {{"view", figure_view_name(o.view)},
          {"format", figure_format_name(o.format)},
          {"size", figure_size_name(o.size)},
          {"dpi", o.dpi},
          {"colormap", colormap_name(o.colormap)},
          {"theme", theme_name(o.theme)},
          {"heads", o.heads},
          {"mask", o.mask_only},
          {"step", o.step},
          {"query", o.query},
          {"batch", o.batch},
          {"title", o.title},
          {"caption", o.caption},
          {"gif_frame_ms", o.gif_frame_ms},
          {"gif_hold_ms", o.gif_hold_ms},
          {"gif_tween_frames", o.gif_tween_frames},
          {"rows", {o.rows.begin, o.rows.end}},
          {"keys", {o.keys.begin, o.keys.end}},
          {"token_text", {{"path", o.token_text.path}, {"tokens", o.token_text.tokens}}}};
}

TokenRange range_from_json(const nlohmann::json& j) {
  const auto bounds = j.get<std::vector<int>>();
  if (bounds.size() != 2) throw SceneError("from: a token range of the embedded figure source is not [first, end]");
  return {bounds[0], bounds[1]};
}

// Keys a figure from an older version lacks keep their defaults, so every embedded source that
// was ever written can be reopened.
FigureOptions options_from_json(const nlohmann::json& j) {
  FigureOptions o;
  const auto read = [&](const char* key, auto& field) {
    if (j.contains(key)) field = j.at(key).get<std::decay_t<decltype(field)>>();
  };
  const auto read_named = [&](const char* key, auto& field, auto parse) {
    if (j.contains(key)) field = parse(j.at(key).get<std::string>());
  };
  read_named("view", o.view, figure_view_parse);
  read_named("format", o.format, figure_format_parse);
  read_named("size", o.size, figure_size_parse);
  read_named("colormap", o.colormap, colormap_parse);
  read_named("theme", o.theme, theme_parse);
  read("dpi", o.dpi);
  read("heads", o.heads);
  read("mask", o.mask_only);
  read("step", o.step);
  read("query", o.query);
  read("batch", o.batch);
  read("title", o.title);
  read("caption", o.caption);
  read("gif_frame_ms", o.gif_frame_ms);
  read("gif_hold_ms", o.gif_hold_ms);
  read("gif_tween_frames", o.gif_tween_frames);
  if (j.contains("rows")) o.rows = range_from_json(j.at("rows"));
  if (j.contains("keys")) o.keys = range_from_json(j.at("keys"));
  if (j.contains("token_text")) {
    o.token_text.path = j.at("token_text").value("path", "");
    o.token_text.tokens = j.at("token_text").value("tokens", std::vector<std::string>{});
  }
  return o;
}

}  // namespace

std::string source_json(const Scene& scene, const FigureOptions& options) {
  const nlohmann::json j{{"kind", kMagic}, {"version", 1}, {"scene", scene_to_json(scene)},
                         {"figure", options_json(options)}};
  return j.dump(-1, ' ', true);
}

FigureSource source_parse(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (!j.is_object() || j.value("kind", "") != kMagic) throw SceneError("not an attnscope figure source");
    return {scene_from_json(j.at("scene")), options_from_json(j.at("figure"))};
  } catch (const nlohmann::json::exception& e) {
    throw SceneError(std::string("from: the embedded figure source is damaged (") + e.what() + ")");
  }
}

}  // namespace attnscope::figure
