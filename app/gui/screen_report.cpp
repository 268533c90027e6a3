#include "app/gui/screen_report.hpp"

#include <imgui_internal.h>

#include <algorithm>

namespace attnscope {

namespace {
nlohmann::json rect_json(const ScreenRect& r, float s) {
  return {r.x0 * s, r.y0 * s, r.x1 * s, r.y1 * s};
}
}  // namespace

void screen_report_glyphs(ScreenReport& report, const ImDrawData& data) {
  const ImTextureID font = ImGui::GetIO().Fonts->TexID;
  const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
  // Shapes sample the atlas's white pixel; glyph quads sample anything else. Half a pixel of
  // slack: anti-aliased edges of a glyph that fits may touch the box.
  constexpr float kSlack = 0.5f;
  // A window with a vertical scrollbar shows part of a longer list on purpose: its lines may be
  // cut at the top and bottom edge (scrolling reveals them), never at the sides.
  std::vector<const ImDrawList*> scrolling;
  for (const ImGuiWindow* window : ImGui::GetCurrentContext()->Windows)
    if (window->Active && window->ScrollbarY) scrolling.push_back(window->DrawList);
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList& list = *data.CmdLists[l];
    const bool scrolls = std::find(scrolling.begin(), scrolling.end(), &list) != scrolling.end();
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      if (cmd.UserCallback || cmd.TextureId != font) continue;
      // ImGui writes a glyph as one quad: triangles (0 1 2) (0 2 3) over 4 new vertices. Shapes
      // come in other triangle counts, so walk triangle by triangle.
      for (unsigned i = 0; i + 3 <= cmd.ElemCount;) {
        const ImDrawIdx* idx = list.IdxBuffer.Data + cmd.IdxOffset + i;
        const bool quad = i + 6 <= cmd.ElemCount && idx[3] == idx[0] && idx[4] == idx[2];
        const ImDrawVert& a = list.VtxBuffer[cmd.VtxOffset + idx[0]];
        const ImDrawVert& c = list.VtxBuffer[cmd.VtxOffset + idx[2]];
        const bool textured = !(a.uv.x == white.x && a.uv.y == white.y);
        i += quad ? 6 : 3;
        if (!quad || !textured) continue;
        ++report.glyphs;
        const ScreenRect g{std::min(a.pos.x, c.pos.x), std::min(a.pos.y, c.pos.y), std::max(a.pos.x, c.pos.x),
                           std::max(a.pos.y, c.pos.y)};
        const ScreenRect box{cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w};
        const bool cut_x = g.x0 < box.x0 - kSlack || g.x1 > box.x1 + kSlack;
        const bool cut_y = g.y0 < box.y0 - kSlack || g.y1 > box.y1 + kSlack;
        if (cut_x || (cut_y && !scrolls)) report.clipped_glyphs.push_back({g, box});
      }
    }
  }
}

nlohmann::json screen_report_json(const ScreenReport& report, float scale) {
  nlohmann::json heatmaps = nlohmann::json::array();
  for (const auto& h : report.heatmaps)
    heatmaps.push_back({{"head", h.head}, {"n", h.n}, {"zoom", h.zoom}, {"first_row", h.first_row},
                        {"first_col", h.first_col}, {"zoom_weights", h.zoom_weights}, {"rect", rect_json(h.rect, scale)}});
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& c : report.token_cells)
    cells.push_back({{"row", c.row}, {"head", c.head}, {"token", c.token}, {"light", c.light},
                     {"rect", rect_json(c.rect, scale)}});
  nlohmann::json clipped = nlohmann::json::array();
  for (const auto& c : report.clipped_glyphs)
    clipped.push_back({{"glyph", rect_json(c.glyph, scale)}, {"box", rect_json(c.box, scale)}});
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, rect] : report.fields) fields[key] = rect_json(rect, scale);
  nlohmann::json panels = nlohmann::json::object();
  for (const auto& [name, rect] : report.panels) panels[name] = rect_json(rect, scale);
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [name, rect] : report.browser_entries) entries[name] = rect_json(rect, scale);
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : report.params) params.push_back({{"name", p.name}, {"rect", rect_json(p.rect, scale)}});
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& bar : report.job_bars) jobs.push_back({{"what", bar.what}, {"done", bar.done}});
  return {{"heatmaps", heatmaps}, {"token_cells", cells}, {"fields", fields}, {"panels", panels}, {"params", params},
          {"browser_entries", entries}, {"jobs", jobs},
          {"glyphs", report.glyphs},
          {"clipped_glyphs", clipped}};
}

}  // namespace attnscope
