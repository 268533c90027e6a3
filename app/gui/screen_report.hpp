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
    std::string header;                       // as drawn above it: "head 1 (shifted)  4 leaks"
    bool building = false;                    // its image is not drawn yet: the progress placeholder is
  };
  struct TokenCell {
    int row = 0, head = 0, token = 0;
    ScreenRect rect;
    const char* light = "plain";  // token_light_name: how the mask step lit it
    bool label = false;           // its token number was drawn (rows too short for it drop it)
  };
  std::vector<Heatmap> heatmaps;
  // Only when the grid draws cells one by one; mid-animation too, a wrapping cell twice.
  std::vector<TokenCell> token_cells;
  struct ParamField {
    std::string name;  // the variant parameter the scene panel's field edits
    ScreenRect rect;
  };
  std::vector<ParamField> params;
  // The heatmap legend's entries as drawn: each text with its swatch (empty for text alone), so a
  // test reads a swatch's pixels and compares them with the cells the entry names.
  struct LegendEntry {
    std::string text;
    ScreenRect swatch;
  };
  std::vector<LegendEntry> legend;
  // Lines of text judged by their type and colour ("why" for the why-it-matters line): the font's
  // size in pixels and the colour they were drawn in.
  struct TextLine {
    std::string name, text;
    float font_size = 0.f;
    ImU32 color = 0;
    ScreenRect rect;
  };
  std::vector<TextLine> lines;
  float body_font_size = 0.f;  // the body type's size this frame (classroom's large one in classroom)
  // The timeline's step buttons in step order.
  std::vector<ScreenRect> step_buttons;
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
  // Glyphs cut by their box: sticking out of it, or cut to it on the CPU (a field's text wider
  // than the field, a label clipped to its button), found by comparing each drawn glyph with the
  // font's own. Glyphs cut at the top or bottom edge of a panel that scrolls are listed apart in
  // `scrolled_glyphs`: scrolling reveals them, but a lecture screen must not show half lines.
  int glyphs = 0;
  std::vector<ClippedGlyph> clipped_glyphs, scrolled_glyphs;
  // Panels without a scrollbar whose content reaches past their edge: what lies beyond (a whole
  // line of text, a button) is not drawn at all, so no glyph of it can be found cut.
  struct Overflow {
    std::string panel;
    float by_x = 0.f, by_y = 0.f;  // pixels past the right and bottom edge
  };
  std::vector<Overflow> overflows;
  // Wrapped text whose line breaks fall inside a number ("16,777,␤216"), as drawn.
  std::vector<std::string> broken_numbers;
  void clear() {
    heatmaps.clear();
    token_cells.clear();
    params.clear();
    legend.clear();
    lines.clear();
    step_buttons.clear();
    fields.clear();
    panels.clear();
    browser_entries.clear();
    job_bars.clear();
    glyphs = 0;
    clipped_glyphs.clear();
    scrolled_glyphs.clear();
    overflows.clear();
    broken_numbers.clear();
  }
};

// Fills `glyphs`, `clipped_glyphs`, `scrolled_glyphs` and `overflows` from a rendered frame
// (ImGui::GetDrawData() and the windows of the current ImGui context).
void screen_report_glyphs(ScreenReport& report, const ImDrawData& data);
// The line breaks of `drawn` (the text as drawn) that fall inside a number of `source` (the text
// before it was broken into lines): a break where the source has no space or line break, between
// a digit and a digit or a digit's separator (",", "."). Each as "16,777,␤216".
std::vector<std::string> screen_report_number_breaks(const std::string& source, const std::string& drawn);

nlohmann::json screen_report_json(const ScreenReport& report, float scale);

}  // namespace attnscope
