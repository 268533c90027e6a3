#include "app/gui/screen_report.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace attnscope {

namespace {

nlohmann::json rect_json(const ScreenRect& r, float s) {
  return {r.x0 * s, r.y0 * s, r.x1 * s, r.y1 * s};
}

// Every glyph of every loaded font by its place in the atlas. A drawn glyph whose texture
// rectangle is one of these is whole; one inside but smaller was cut to its box on the CPU
// (ImGui does so for a field's text and clipped labels); one in no glyph is not text (a
// textured line).
class FontGlyphs {
 public:
  FontGlyphs() {
    for (const ImFont* font : ImGui::GetIO().Fonts->Fonts)
      for (const ImFontGlyph& g : font->Glyphs) uv_.push_back({g.U0, g.V0, g.U1, g.V1});
    std::sort(uv_.begin(), uv_.end());
  }
  // How much of a drawn glyph `size` px large with texture rectangle `uv` was cut away, in px
  // across and down; nullopt when it is not a glyph.
  std::optional<std::array<float, 2>> cut(const std::array<float, 4>& uv, const ImVec2& size) const {
    if (std::binary_search(uv_.begin(), uv_.end(), uv)) return std::array<float, 2>{0.f, 0.f};
    for (const auto& g : uv_)
      if (uv[0] >= g[0] && uv[1] >= g[1] && uv[2] <= g[2] && uv[3] <= g[3]) {
        // ImGui cuts position and texture coordinates in proportion: the kept share of the
        // glyph's texture is the kept share of its pixels.
        const float kept_x = (uv[2] - uv[0]) / (g[2] - g[0]), kept_y = (uv[3] - uv[1]) / (g[3] - g[1]);
        return std::array<float, 2>{kept_x > 0.f ? size.x / kept_x - size.x : size.x,
                                    kept_y > 0.f ? size.y / kept_y - size.y : size.y};
      }
    return std::nullopt;
  }

 private:
  std::vector<std::array<float, 4>> uv_;
};

// Content reaching past a panel that does not scroll: ImGui skips the items beyond its edge.
void report_overflows(ScreenReport& report) {
  constexpr float kSlack = 1.f;
  for (const ImGuiWindow* window : ImGui::GetCurrentContext()->Windows) {
    if (!window->Active || window->Hidden || (window->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup))) continue;
    const float by_x = window->ScrollbarX ? 0.f : window->DC.CursorMaxPos.x - window->InnerClipRect.Max.x;
    const float by_y = window->ScrollbarY ? 0.f : window->DC.CursorMaxPos.y - window->InnerClipRect.Max.y;
    if (by_x > kSlack || by_y > kSlack) report.overflows.push_back({window->Name, std::max(by_x, 0.f), std::max(by_y, 0.f)});
  }
}

}  // namespace

void screen_report_glyphs(ScreenReport& report, const ImDrawData& data) {
  const ImTextureID font = ImGui::GetIO().Fonts->TexID;
  const ImVec2 white = ImGui::GetIO().Fonts->TexUvWhitePixel;
  const FontGlyphs glyphs;
  // Half a pixel of slack: anti-aliased edges of a glyph that fits may touch the box. A glyph's
  // bitmap has a transparent rim of about a pixel (oversampled fonts): a label that fits its
  // button may lose that much to the button's edge.
  constexpr float kSlack = 0.5f, kRim = 1.5f;
  // A window with a vertical scrollbar shows part of a longer list on purpose: lines cut at its
  // top and bottom edge are listed apart (scrolling reveals them); at the sides they are cut.
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
        const ScreenRect g{std::min(a.pos.x, c.pos.x), std::min(a.pos.y, c.pos.y), std::max(a.pos.x, c.pos.x),
                           std::max(a.pos.y, c.pos.y)};
        const auto cut = glyphs.cut({std::min(a.uv.x, c.uv.x), std::min(a.uv.y, c.uv.y), std::max(a.uv.x, c.uv.x),
                                     std::max(a.uv.y, c.uv.y)},
                                    {g.x1 - g.x0, g.y1 - g.y0});
        if (!cut) continue;
        ++report.glyphs;
        const ScreenRect box{cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w};
        // Out of its box, or cut on the CPU by more than a glyph's anti-aliased rim.
        const bool cut_x = g.x0 < box.x0 - kSlack || g.x1 > box.x1 + kSlack || (*cut)[0] > kRim;
        const bool cut_y = g.y0 < box.y0 - kSlack || g.y1 > box.y1 + kSlack || (*cut)[1] > kRim;
        if (cut_x) report.clipped_glyphs.push_back({g, box});
        else if (cut_y) (scrolls ? report.scrolled_glyphs : report.clipped_glyphs).push_back({g, box});
      }
    }
  }
  report_overflows(report);
}

std::vector<std::string> screen_report_number_breaks(const std::string& source, const std::string& drawn) {
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  // Inside a number: digits on both sides, or a separator between digits ("16,|777", "2.|15").
  const auto inside = [&](const std::string& t, size_t before, size_t after) {
    if (after >= t.size() || !digit(t[after])) return false;
    if (digit(t[before])) return true;
    return (t[before] == ',' || t[before] == '.') && before > 0 && digit(t[before - 1]);
  };
  std::vector<std::string> broken;
  size_t s = 0;
  for (size_t d = 0; d < drawn.size(); ++d) {
    if (drawn[d] != '\n') {
      ++s;
      continue;
    }
    // A break that took the place of a space or a line break of the source is between words.
    if (s < source.size() && (source[s] == ' ' || source[s] == '\n')) {
      ++s;
      continue;
    }
    if (d > 0 && inside(drawn, d - 1, d + 1)) {
      const size_t from = drawn.rfind(' ', d - 1), to = drawn.find(' ', d + 1);
      const size_t begin = from == std::string::npos ? 0 : from + 1;
      std::string piece = drawn.substr(begin, (to == std::string::npos ? drawn.size() : to) - begin);
      piece.replace(piece.find('\n'), 1, "\u2424");
      broken.push_back(piece);
    }
  }
  return broken;
}

nlohmann::json screen_report_json(const ScreenReport& report, float scale) {
  nlohmann::json heatmaps = nlohmann::json::array();
  for (const auto& h : report.heatmaps)
    heatmaps.push_back({{"head", h.head}, {"n", h.n}, {"zoom", h.zoom}, {"first_row", h.first_row},
                        {"first_col", h.first_col}, {"zoom_weights", h.zoom_weights}, {"header", h.header},
                        {"building", h.building}, {"rect", rect_json(h.rect, scale)}});
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& c : report.token_cells)
    cells.push_back({{"row", c.row}, {"head", c.head}, {"token", c.token}, {"light", c.light}, {"label", c.label},
                     {"rect", rect_json(c.rect, scale)}});
  const auto glyphs_json = [scale](const std::vector<ScreenReport::ClippedGlyph>& glyphs) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : glyphs) out.push_back({{"glyph", rect_json(c.glyph, scale)}, {"box", rect_json(c.box, scale)}});
    return out;
  };
  nlohmann::json overflows = nlohmann::json::array();
  for (const auto& o : report.overflows) overflows.push_back({{"panel", o.panel}, {"by_x", o.by_x * scale}, {"by_y", o.by_y * scale}});
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [key, rect] : report.fields) fields[key] = rect_json(rect, scale);
  nlohmann::json panels = nlohmann::json::object();
  for (const auto& [name, rect] : report.panels) panels[name] = rect_json(rect, scale);
  nlohmann::json entries = nlohmann::json::object();
  for (const auto& [name, rect] : report.browser_entries) entries[name] = rect_json(rect, scale);
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : report.params) params.push_back({{"name", p.name}, {"rect", rect_json(p.rect, scale)}});
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& r : report.step_buttons) steps.push_back(rect_json(r, scale));
  nlohmann::json legend = nlohmann::json::array();
  for (const auto& e : report.legend) legend.push_back({{"text", e.text}, {"swatch", rect_json(e.swatch, scale)}});
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& l : report.lines) {
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(l.color);
    lines.push_back({{"name", l.name},
                     {"text", l.text},
                     {"font_size", l.font_size * scale},
                     {"color", {std::lround(c.x * 255), std::lround(c.y * 255), std::lround(c.z * 255)}},
                     {"rect", rect_json(l.rect, scale)}});
  }
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& bar : report.job_bars) jobs.push_back({{"what", bar.what}, {"done", bar.done}});
  return {{"heatmaps", heatmaps}, {"token_cells", cells}, {"fields", fields}, {"panels", panels}, {"params", params},
          {"browser_entries", entries}, {"jobs", jobs}, {"step_buttons", steps}, {"legend", legend}, {"lines", lines}, {"body_font_size", report.body_font_size * scale},
          {"glyphs", report.glyphs},
          {"clipped_glyphs", glyphs_json(report.clipped_glyphs)},
          {"scrolled_glyphs", glyphs_json(report.scrolled_glyphs)},
          {"overflows", overflows},
          {"broken_numbers", report.broken_numbers}};
}

}  // namespace attnscope
