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
          {"batch", o.batch},
          {"title", o.title},
          {"caption", o.caption},
          {"gif_frame_ms", o.gif_frame_ms},
          {"gif_hold_ms", o.gif_hold_ms},
          {"gif_tween_frames", o.gif_tween_frames}};
}

FigureOptions options_from_json(const nlohmann::json& j) {
  FigureOptions o;
  o.view = figure_view_parse(j.at("view").get<std::string>());
  o.format = figure_format_parse(j.at("format").get<std::string>());
  o.size = figure_size_parse(j.at("size").get<std::string>());
  o.dpi = j.at("dpi").get<int>();
  o.colormap = colormap_parse(j.at("colormap").get<std::string>());
  o.theme = theme_parse(j.at("theme").get<std::string>());
  o.heads = j.at("heads").get<std::vector<int>>();
  o.mask_only = j.at("mask").get<bool>();
  o.step = j.at("step").get<int>();
  o.batch = j.at("batch").get<int>();
  o.title = j.at("title").get<std::string>();
  o.caption = j.at("caption").get<std::string>();
  o.gif_frame_ms = j.at("gif_frame_ms").get<int>();
  o.gif_hold_ms = j.at("gif_hold_ms").get<int>();
  o.gif_tween_frames = j.at("gif_tween_frames").get<int>();
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
