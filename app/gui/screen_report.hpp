#pragma once
// Where the views put things on screen this frame. Screenshot mode writes it next to the PNG,
// so pixel tests locate cells from the real layout instead of guessing it.
#include <imgui.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace attnscope {

struct ScreenRect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct ScreenReport {
  struct Heatmap {
    int head = 0;
    ScreenRect rect;  // the whole visible matrix
    int n = 0;
    float zoom = 1.f;
    float first_row = 0.f, first_col = 0.f;  // the tokens at the top-left corner (zoomed and panned)
    bool zoom_weights = false;                // the visible cells show weights computed for the view
  };
  struct TokenCell {
    int row = 0, head = 0, token = 0;
    ScreenRect rect;
    const char* light = "plain";  // token_light_name: how the mask step lit it
  };
  std::vector<Heatmap> heatmaps;
  // Only when the grid draws cells one by one; mid-animation too, a wrapping cell twice.
  std::vector<TokenCell> token_cells;
  struct ParamField {
    std::string name;  // the variant parameter the scene panel's field edits
    ScreenRect rect;
  };
  std::vector<ParamField> params;
  // Every glyph of text drawn this frame is checked against the box it was allowed to draw in
  // (its clip rectangle): a glyph that sticks out is a clipped word ("4 lea").
  struct ClippedGlyph {
    ScreenRect glyph, box;
  };
  // Scene panel fields by scene key, for scripts that click into them; the window's panels by name.
  std::vector<std::pair<std::string, ScreenRect>> fields, panels;
  // File > Open's listed files and folders by name ("model.pt", "masks/"), for scripts that click one.
  std::vector<std::pair<std::string, ScreenRect>> browser_entries;
  // The running jobs' progress bars as drawn: "exporting <file>", "weights of 8 heads", ...
  struct JobBar {
    std::string what;
    float done = 0.f;
  };
  std::vector<JobBar> job_bars;
  int glyphs = 0;
  std::vector<ClippedGlyph> clipped_glyphs;
  void clear() {
    heatmaps.clear();
    token_cells.clear();
    params.clear();
    fields.clear();
    panels.clear();
    browser_entries.clear();
    job_bars.clear();
    glyphs = 0;
    clipped_glyphs.clear();
  }
};

// Fills `glyphs` and `clipped_glyphs` from a rendered frame's draw lists (ImGui::GetDrawData()).
void screen_report_glyphs(ScreenReport& report, const ImDrawData& data);

nlohmann::json screen_report_json(const ScreenReport& report, float scale);

}  // namespace attnscope
