#include "app/gui/screen_report.hpp"

namespace attnscope {

namespace {
nlohmann::json rect_json(const ScreenRect& r, float s) {
  return {r.x0 * s, r.y0 * s, r.x1 * s, r.y1 * s};
}
}  // namespace

nlohmann::json screen_report_json(const ScreenReport& report, float scale) {
  nlohmann::json heatmaps = nlohmann::json::array();
  for (const auto& h : report.heatmaps)
    heatmaps.push_back({{"head", h.head}, {"n", h.n}, {"zoom", h.zoom}, {"rect", rect_json(h.rect, scale)}});
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& c : report.token_cells)
    cells.push_back({{"row", c.row}, {"head", c.head}, {"token", c.token}, {"light", c.light},
                     {"rect", rect_json(c.rect, scale)}});
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : report.params) params.push_back({{"name", p.name}, {"rect", rect_json(p.rect, scale)}});
  return {{"heatmaps", heatmaps}, {"token_cells", cells}, {"params", params}};
}

}  // namespace attnscope
