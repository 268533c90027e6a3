#include "app/gui/heatmap_widget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/base/digits.hpp"
#include "core/presentation/colormap.hpp"
#include "core/presentation/routed_row.hpp"
#include "core/presentation/step_scores.hpp"
#include "core/presentation/wrapped_group.hpp"

namespace attnscope {

namespace {

// Zoomed in on an analysis that holds no values: at most this many tokens on screen per side get
// their weights computed, in windows rounded out to blocks of kZoomWeightsBlock tokens.
constexpr int kZoomWeightsSpan = 128;
constexpr int kZoomWeightsBlock = 32;

// The tokens on screen of an interactive heatmap, from the view's zoom and pan alone.
ZoomWindow visible_window(const ViewOptions& view, int n, int head) {
  const float first_row = view.pan_y * n, first_col = view.pan_x * n;
  const int span = static_cast<int>(std::ceil(n / view.zoom)) + 1;
  return {head, std::max(0, static_cast<int>(first_row)),
          std::min(n, static_cast<int>(std::ceil(first_row + span)) + 1), std::max(0, static_cast<int>(first_col)),
          std::min(n, static_cast<int>(std::ceil(first_col + span)) + 1)};
}

// Whether a zoomed view of an analysis without values shows weights computed for its cells.
bool zoom_weights_apply(const Analysis& a, StepCells cells, Coords coords, const ViewOptions& view) {
  return !a.has_values() && cells == StepCells::Weights && coords == Coords::Original &&
         static_cast<int>(std::ceil(a.n() / view.zoom)) + 1 <= kZoomWeightsSpan;
}

// Which part of the N×N matrix is visible and how big a cell is on screen.
struct Viewport {
  ImVec2 m0, m1;
  int n = 0;
  float first_col = 0, first_row = 0, cell = 1;
  ImVec2 cell_min(int row, int col) const {
    return {m0.x + (col - first_col) * cell, m0.y + (row - first_row) * cell};
  }
  bool visible(int row, int col) const {
    const float span = (m1.x - m0.x) / cell;
    return col + 1 > first_col && col < first_col + span && row + 1 > first_row && row < first_row + span;
  }
};

int token_at(const Analysis& a, int head, Coords coords, int position) {
  if (coords == Coords::Original || !a.build.frame) return position;
  return a.build.frame->heads[head].token_at_slot[position];
}

// The contiguous position ranges of a group's tokens, outlined as blocks: in original coordinates
// the wrapped group of a shifted head is two ranges, so its outline is four blocks.
void draw_group(ImDrawList* list, const Viewport& v, const PositionRanges& ranges, ImU32 color, float thickness) {
  for (const auto& [r0, r1] : ranges)
    for (const auto& [c0, c1] : ranges) list->AddRect(v.cell_min(r0, c0), v.cell_min(r1, c1), color, 0.f, 0, thickness);
}

// Every group's outline in the group colour (the wrapped group's orange is drawn after the leaks).
// `found`: the outlines a large analysis's image job found (null for a small analysis, whose
// outlines are found here; a large one draws none until its image is there).
void draw_groups(ImDrawList* list, const Analysis& a, int head, Coords coords, const Viewport& v,
                 ImU32 color, float thickness, const GroupOutlines* found) {
  if (!a.build.frame) return;
  const HeadFrame& frame = a.build.frame->heads[head];
  if (frame.segment_count() <= 1) return;
  // Groups a few pixels wide would fill the matrix with outlines (and a draw list with more
  // vertices than it can index): below that the cells alone show the blocks.
  constexpr float kMinGroupPixels = 4.f;
  if (v.cell * a.n() / frame.segment_count() < kMinGroupPixels) return;
  GroupOutlines here;
  if (!found) {
    if (!heatmap_image_in_frame(a)) return;
    here = group_outlines(a, head, coords);
    found = &here;
  }
  for (const PositionRanges& group : found->groups) draw_group(list, v, group, color, thickness);
}

// The wrapped group's outline from core's rule (the pieces every figure draws), at any size, in
// the theme's colour for it.
void draw_wrapped_group(ImDrawList* list, const Analysis& a, int head, Coords coords, const Viewport& v, ImU32 color,
                        float thickness) {
  for (const CellBox& b : wrapped_group_boxes(a, head, coords == Coords::Frame))
    list->AddRect(v.cell_min(b.row_begin, b.col_begin), v.cell_min(b.row_end, b.col_end), color, 0.f, 0, thickness);
}

// A routed variant's selection step: the query's candidates laid over its row, each with its
// score and mark, filled by what the step has decided so far (core/presentation/routed_row, the
// rule figures draw too).
void draw_routed_row(ImDrawList* list, const RoutedRowView& row, const Viewport& v, const Theme& theme) {
  const float t = std::max(1.5f, v.cell * 0.1f);
  for (const RoutedUnit& u : row.units) {
    const Rgb8 color = routed_unit_fill(row, u, theme);
    const ImVec2 p0 = v.cell_min(row.q, u.begin), p1{v.cell_min(row.q, u.end).x, p0.y + v.cell};
    list->AddRectFilled(p0, p1, to_imu32(color, 210));
    list->AddRect(p0, p1, to_imu32(theme.text), 0.f, 0, u.role == RoutedRole::Scored ? 1.f : t);
    for (bool brief : {false, true}) {
      const std::string label = routed_unit_label(u, brief);
      const ImVec2 size = ImGui::CalcTextSize(label.c_str());
      if (size.x + 4.f > p1.x - p0.x || size.y > v.cell) continue;
      list->AddText({(p0.x + p1.x - size.x) * 0.5f, p0.y + (v.cell - size.y) * 0.5f}, text_on(color), label.c_str());
      break;
    }
  }
}

}  // namespace

CellsDrawn heatmap_drawn(const AppState& state, const Analysis& a, int head, StepCells cells, bool interactive) {
  const Coords coords = heatmap_has_frame(a) ? state.view.coords : Coords::Original;
  bool computed = a.has_values();
  if (!computed && heatmap_image_streams_weights(a, cells)) {
    const HeatmapWeights* stored = state.heatmap_weights_of(&a, {head, coords, state.weight_scale.vmax});
    computed = stored && stored->image;
  }
  if (!computed && interactive && zoom_weights_apply(a, cells, coords, state.view)) {
    const ZoomWeights* zoomed = state.zoom_weights_covering(visible_window(state.view, a.n(), head));
    computed = zoomed && zoomed->values;
  }
  return cells_drawn(cells, computed);
}

namespace {

void draw_leak_mark(ImDrawList* list, ImVec2 p0, float cell, ImU32 color) {
  const float t = std::max(1.5f, cell * 0.09f);
  const float inset = t * 0.5f;
  const ImVec2 a{p0.x + inset, p0.y + inset}, b{p0.x + cell - inset, p0.y + cell - inset};
  list->AddRect(a, b, color, 0.f, 0, t);
  list->AddLine(a, b, color, t);
  list->AddLine({a.x, b.y}, {b.x, a.y}, color, t);
}

// The visible cells with their weights on the legend's scale, over the texture's blocks (one
// texel there covers many cells): masked cells in the masked colour, leak cells in the leak colour
// when `leak_fill` is given (else they get their marks later).
void draw_zoom_weights(ImDrawList* list, const Analysis& a, int head, const ZoomWeights& zoomed, const Viewport& v,
                       const ZoomWindow& visible, ColormapName colormap, float vmax, const Theme& theme,
                       bool leak_fill) {
  list->AddRectFilled(v.m0, v.m1, to_imu32(theme.masked));
  const RowRuns& mask = a.mask(head);
  for (int q = visible.row_begin; q < visible.row_end; ++q)
    for (const Run run : mask.row(q)) {
      // Neighbours of one colour are one rectangle: a row of near-equal weights is a single draw.
      const int end = std::min(run.end, visible.key_end);
      int first = std::max(run.begin, visible.key_begin);
      ImU32 colour = 0;
      for (int k = first; k <= end; ++k) {
        const ImU32 next = k == end ? 0
                           : leak_fill && a.leaks_at(head, q, k)
                               ? to_imu32(theme.leak)
                               : to_imu32(colormap_sample(colormap, vmax > 0 ? zoomed.values->weight(q, k) / vmax : 0.f));
        if (k > first && next != colour) {
          const ImVec2 p = v.cell_min(q, first);
          list->AddRectFilled(p, {p.x + (k - first) * v.cell, p.y + v.cell}, colour);
          first = k;
        }
        colour = next;
      }
    }
}

// A line of text in the matrix's bottom-left corner, on the background colour.
void draw_note(ImDrawList* list, const Viewport& v, const Theme& theme, const std::string& note) {
  const ImVec2 size = ImGui::CalcTextSize(note.c_str());
  const ImVec2 at{v.m0.x + 6.f, v.m1.y - size.y - 6.f};
  list->AddRectFilled({at.x - 3.f, at.y - 2.f}, {at.x + size.x + 3.f, at.y + size.y + 2.f}, to_imu32(theme.background, 220));
  list->AddText(at, to_imu32(theme.text), note.c_str());
}

// Ticks at a round spacing that leaves room for the labels.
int tick_step(float cell, float min_pixels) {
  for (int step : {1, 2, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 200, 256, 512, 1024, 2048})
    if (step * cell >= min_pixels) return step;
  int step = 4096;
  while (step * cell < min_pixels && step < (1 << 30)) step *= 2;
  return step;
}

// The width of the token text left of the row numbers, its gap included; 0 without text.
float row_text_width(const ViewContext& ctx) {
  if (!ctx.state.token_text_on()) return 0.f;
  ImGui::PushFont(ctx.mono());
  const float w = ImGui::CalcTextSize("M").x * ctx.state.token_text_widest;
  ImGui::PopFont();
  return w + ctx.mono()->FontSize * 0.6f;
}

}  // namespace

void heatmap_building_draw(ImDrawList* list, ImVec2 m0, ImVec2 m1, const Theme& theme, std::optional<float> done) {
  list->AddRectFilled(m0, m1, to_imu32(theme.masked));
  const float width = m1.x - m0.x;
  std::string text = done ? fmt::format("building the image {:.0f}%", *done * 100.f) : "uploading the image";
  if (ImGui::CalcTextSize(text.c_str()).x > width - 8.f) text = done ? fmt::format("{:.0f}%", *done * 100.f) : "\u2026";
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  const float bar_w = std::min(width * 0.8f, std::max(size.x, width * 0.5f));
  const ImVec2 centre{(m0.x + m1.x) * 0.5f, (m0.y + m1.y) * 0.5f};
  list->AddText({centre.x - size.x * 0.5f, centre.y - size.y - 2.f}, to_imu32(theme.text), text.c_str());
  const ImVec2 b0{centre.x - bar_w * 0.5f, centre.y + 2.f}, b1{centre.x + bar_w * 0.5f, centre.y + 8.f};
  list->AddRectFilled(b0, b1, to_imu32(theme.background));
  list->AddRectFilled(b0, {b0.x + bar_w * done.value_or(1.f), b1.y}, to_imu32(theme.highlight));
}

// With token text, a second line above the column numbers holds the columns' text. On a
// projector the header sits closer to the numbers: the matrices take the pixels.
float heatmap_widget_top(const ViewContext& ctx) {
  return ctx.body()->FontSize * (ctx.projector() ? 1.1f : 1.4f) + ctx.mono()->FontSize * (ctx.state.token_text_on() ? 2.4f : 1.2f);
}
float heatmap_widget_left(const ViewContext& ctx, int n) {
  ImGui::PushFont(ctx.mono());
  const float w = ImGui::CalcTextSize(digits_grouped(std::max(n - 1, 99)).c_str()).x;
  ImGui::PopFont();
  return w + ctx.mono()->FontSize * 0.6f + row_text_width(ctx);
}

void heatmap_widget(ViewContext& ctx, const HeatmapWidget& w) {
  const Analysis& a = *w.analysis;
  const ViewOptions& view = ctx.state.view;
  const Theme& theme = ctx.theme();
  const Coords coords = heatmap_has_frame(a) ? view.coords : Coords::Original;
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx, a.n());

  // Header: which head, whether it is shifted, how many cells leak, as much as fits the widget's
  // width (the line under the matrix repeats the leak count).
  const bool shifted = a.build.frame && a.build.frame->heads[w.head].token_at_slot[0] != 0;
  const int64_t leaks = a.metrics.heads[w.head].leaks;
  ImGui::PushFont(ctx.body());
  const float width = left + w.side;
  const std::string name = w.title.empty() ? fmt::format("head {}", w.head) : w.title;
  std::string header = shifted ? name + " (shifted)" : name;
  if (ImGui::CalcTextSize(header.c_str()).x > width) header = name;
  list->PushClipRect(origin, {origin.x + width, origin.y + top}, true);
  list->AddText(origin, ImGui::GetColorU32(ImGuiCol_Text), header.c_str());
  const float header_w = ImGui::CalcTextSize(header.c_str()).x;
  // No leak count before the mask exists (step_shows_leaks), as under the matrix.
  const std::string leak_text =
      step_shows_leaks(w.cells) ? fmt::format("  {} leak{}", digits_grouped(leaks), leaks == 1 ? "" : "s") : "";
  const bool leak_shown = !leak_text.empty() && header_w + ImGui::CalcTextSize(leak_text.c_str()).x <= width;
  if (leak_shown)
    list->AddText({origin.x + header_w, origin.y},
                  leaks > 0 ? to_imu32(theme.leak) : ImGui::GetColorU32(ImGuiCol_TextDisabled), leak_text.c_str());
  list->PopClipRect();
  ImGui::PopFont();

  const float zoom = w.interactive ? view.zoom : 1.f;
  Viewport v;
  v.n = a.n();
  v.m0 = {std::floor(origin.x + left), std::floor(origin.y + top)};
  v.m1 = {v.m0.x + w.side, v.m0.y + w.side};
  v.first_col = (w.interactive ? view.pan_x : 0.f) * v.n;
  v.first_row = (w.interactive ? view.pan_y : 0.f) * v.n;
  v.cell = w.side * zoom / v.n;

  const bool masked = w.cells == StepCells::MaskedScores || w.cells == StepCells::Weights;
  const bool marks = masked && view.leak_marks && v.cell >= 5.f;
  HeatmapPaint paint{w.analysis,
                     w.head,
                     coords,
                     view.colormap,
                     view.theme(),
                     w.vmax,
                     masked && view.leak_marks && !marks,
                     w.cells,
                     heatmap_drawn(ctx.state, a, w.head, w.cells, w.interactive),
                     ctx.state.score_scale,
                     nullptr};
  // Without stored values the weights are computed by a job, asked for once; the allowed cells
  // show until they arrive.
  std::string weights_note;
  if (heatmap_image_streams_weights(a, w.cells)) {
    const HeatmapWeightsKey key{w.head, coords, w.vmax};
    if (const HeatmapWeights* stored = ctx.state.heatmap_weights_of(&a, key)) {
      paint.weights = stored->image;
      if (!stored->image) weights_note = "weights not computed: " + stored->error;
    } else if (!ctx.state.heatmap_weights_pending(&a, key)) {
      ctx.queue.push(action::ComputeHeatmapWeights{w.analysis, key});
    }
  }
  // A large analysis's image is built by a job, asked for once; its progress shows meanwhile.
  std::optional<float> building;
  if (!heatmap_image_in_frame(a)) {
    const HeatmapImageKey key{w.head, coords, w.cells, w.vmax, ctx.state.score_scale};
    if (const HeatmapStepImage* stored = ctx.state.heatmap_image_of(&a, key)) {
      paint.image = stored->image;
      if (!stored->image) weights_note = "image not built: " + stored->error;
    } else if (const Job* job = ctx.state.heatmap_image_job(&a, key)) {
      building = job->control->done.load();
    } else {
      ctx.queue.push(action::ComputeHeatmapImage{w.analysis, key});
      building = 0.f;
    }
  }
  const ImVec2 uv0{v.first_col / v.n, v.first_row / v.n};
  const ImVec2 uv1{uv0.x + 1.f / zoom, uv0.y + 1.f / zoom};
  const bool drawn = ctx.painter.heatmap(list, paint, v.m0, v.m1, uv0, uv1);
  if (!drawn) heatmap_building_draw(list, v.m0, v.m1, theme, building);
  if (w.report)
    ctx.report.heatmaps.push_back({w.head, {v.m0.x, v.m0.y, v.m1.x, v.m1.y}, v.n, zoom, v.first_row, v.first_col, false,
                                   leak_shown ? header + leak_text : header, !drawn});

  // Ticks: token ids along the top (keys) and the left (queries), each at the centre of its own
  // column or row, only where that centre is inside the view, spaced so that no two labels touch
  // and clipped to the margins, so zoom and pan never leave a label beside the wrong row.
  ImGui::PushFont(ctx.mono());
  const ImU32 axis = ImGui::GetColorU32(ImGuiCol_Text);
  const float label_w = ImGui::CalcTextSize(digits_grouped(v.n - 1).c_str()).x;
  const float char_w = ImGui::CalcTextSize("M").x;
  const int col_step = tick_step(v.cell, label_w + ctx.mono()->FontSize * 0.6f);
  const int row_step = tick_step(v.cell, ImGui::GetTextLineHeight() * 1.1f);
  const int span = static_cast<int>(std::ceil(v.n / zoom)) + 1;
  list->PushClipRect({v.m0.x - left, v.m0.y - top}, {v.m1.x + label_w * 0.5f, v.m1.y}, true);
  for (int p = (static_cast<int>(v.first_col) / col_step) * col_step; p < v.first_col + span && p < v.n; p += col_step) {
    const float centre = v.cell_min(0, p).x + v.cell * 0.5f;
    if (centre < v.m0.x || centre > v.m1.x) continue;
    const int token = token_at(a, w.head, coords, p);
    const std::string label = digits_grouped(token);
    const ImVec2 size = ImGui::CalcTextSize(label.c_str());
    list->AddText({centre - size.x * 0.5f, v.m0.y - size.y - 2.f}, axis, label.c_str());
    // The column's text above its number, cut to the column's width.
    const int fit_chars = static_cast<int>((col_step * v.cell - 0.5f * char_w) / char_w);
    if (const std::string text = ctx.state.token_label(token, std::min(fit_chars, AppState::kTokenLabelChars));
        fit_chars >= 3 && !text.empty()) {  // one letter and an ellipsis names nothing
      const float text_w = ImGui::CalcTextSize(text.c_str()).x;
      list->AddText({centre - text_w * 0.5f, v.m0.y - 2.f * size.y - 4.f}, axis, text.c_str());
    }
  }
  for (int p = (static_cast<int>(v.first_row) / row_step) * row_step; p < v.first_row + span && p < v.n; p += row_step) {
    const float centre = v.cell_min(p, 0).y + v.cell * 0.5f;
    if (centre < v.m0.y || centre > v.m1.y) continue;
    const int token = token_at(a, w.head, coords, p);
    const std::string label = digits_grouped(token);
    const ImVec2 size = ImGui::CalcTextSize(label.c_str());
    list->AddText({v.m0.x - size.x - 4.f, centre - size.y * 0.5f}, axis, label.c_str());
    // The row's text left of the numbers, right-aligned in its own column.
    if (const std::string text = ctx.state.token_label(token, AppState::kTokenLabelChars); !text.empty()) {
      const float text_w = ImGui::CalcTextSize(text.c_str()).x;
      list->AddText({v.m0.x - label_w - 4.f - ctx.mono()->FontSize * 0.6f - text_w, centre - size.y * 0.5f}, axis,
                    text.c_str());
    }
  }
  list->PopClipRect();
  ImGui::PopFont();

  list->PushClipRect(v.m0, v.m1, true);
  // Rows on screen, as tokens; leak marks and weight labels only look at those.
  const int row_begin = std::max(0, static_cast<int>(v.first_row));
  const int row_end = std::min(v.n, static_cast<int>(std::ceil(v.first_row + span)) + 1);
  const int col_begin = std::max(0, static_cast<int>(v.first_col));
  const int col_end = std::min(v.n, static_cast<int>(std::ceil(v.first_col + span)) + 1);
  const ZoomWeights* zoomed = nullptr;
  if (w.interactive && zoom_weights_apply(a, w.cells, coords, view)) {
    // Rounded out to whole blocks, so panning by a few cells reuses the window.
    auto down = [](int t) { return t / kZoomWeightsBlock * kZoomWeightsBlock; };
    auto up = [&](int t) { return std::min(v.n, (t + kZoomWeightsBlock - 1) / kZoomWeightsBlock * kZoomWeightsBlock); };
    const ZoomWindow visible = visible_window(view, v.n, w.head);
    const ZoomWeights* stored = ctx.state.zoom_weights_covering(visible);
    if (!stored) {
      // Asked once: while a job computes a window that covers the view, frames only wait.
      if (!ctx.state.zoom_weights_pending(visible))
        ctx.queue.push(action::ComputeZoomWeights{{w.head, down(row_begin), up(row_end), down(col_begin), up(col_end)}});
      weights_note = "computing the weights on screen\u2026";
    } else if (!stored->values) {  // cancelled (Esc) or failed: the mask stays until the view moves on
      weights_note = "weights on screen not computed: " + stored->error;
    } else {
      zoomed = stored;
      draw_zoom_weights(list, a, w.head, *zoomed, v, visible, view.colormap, w.vmax, theme, !marks);
      if (w.report) ctx.report.heatmaps.back().zoom_weights = true;
    }
  }
  if (!weights_note.empty()) draw_note(list, v, theme, weights_note);
  const float group_line = std::max(1.f, std::min(3.f, v.cell * 0.08f));
  draw_groups(list, a, w.head, coords, v, to_imu32(theme.group_boundary), group_line,
              paint.image ? paint.image->outlines.get() : nullptr);

  if (marks) {
    for (int r = row_begin; r < row_end; ++r) {
      const int q = token_at(a, w.head, coords, r);
      const RowRuns& leak = a.leaks[w.head];
      for (const Run run : leak.row(q))
        for (int k = run.begin; k < run.end; ++k) {
          const int c = heatmap_position(a, w.head, coords, k);
          if (v.visible(r, c)) draw_leak_mark(list, v.cell_min(r, c), v.cell, to_imu32(theme.leak));
        }
    }
  }
  // After the leaks, as in figures: all four pieces stay orange where leak marks run along them.
  draw_wrapped_group(list, a, w.head, coords, v, to_imu32(theme.wrapped_group), group_line * 1.5f);
  ImGui::PushFont(ctx.mono());
  static const std::vector<float> no_values;  // structure only: labels only for zoomed weights
  const std::vector<float>& weights = a.has_values() ? a.attention.head(0, w.head).weights : no_values;
  if (w.cells == StepCells::Weights && (!weights.empty() || zoomed) && v.cell >= ImGui::CalcTextSize(".00").x + 6.f) {
    const RowRuns& mask = a.mask(w.head);
    const bool original = coords == Coords::Original;
    for (int r = row_begin; r < row_end; ++r) {
      const int q = token_at(a, w.head, coords, r);
      // Zoomed weights have no flat array: only stored ones are found by the cell's offset.
      int64_t cell = zoomed ? 0 : mask.row_cell_offset(q);
      for (const Run run : mask.row(q)) {
        // In token order only the visible stretch of a run can be on screen.
        const int from = original ? std::max(run.begin, col_begin) : run.begin;
        const int to = original ? std::min(run.end, col_end) : run.end;
        for (int k = from; k < to; ++k) {
          const int c = heatmap_position(a, w.head, coords, k);
          if (!v.visible(r, c)) continue;
          const float weight = zoomed ? zoomed->values->weight(q, k) : weights[cell + (k - run.begin)];
          const std::string label = weight >= 0.995f ? "1" : fmt::format(".{:02d}", static_cast<int>(std::lround(weight * 100)));
          const Rgb8 bg = colormap_sample(view.colormap, w.vmax > 0 ? weight / w.vmax : 0);
          const ImVec2 p = v.cell_min(r, c), size = ImGui::CalcTextSize(label.c_str());
          list->AddText({p.x + (v.cell - size.x) * 0.5f, p.y + (v.cell - size.y) * 0.5f}, text_on(bg), label.c_str());
        }
        cell += run.length();
      }
    }
  }
  ImGui::PopFont();

  // Focus: the hovered or pinned (q, k) is outlined in every head, with its row and column.
  if (auto focus = ctx.state.focus()) {
    if (focus->q < v.n && focus->k < v.n) {
      const int r = heatmap_position(a, w.head, coords, focus->q);
      const int c = heatmap_position(a, w.head, coords, focus->k);
      const ImU32 hl = to_imu32(theme.highlight);
      const ImVec2 p = v.cell_min(r, c);
      list->AddRect(v.cell_min(r, 0), {v.m1.x, p.y + v.cell}, to_imu32(theme.highlight, 110), 0.f, 0, 1.f);
      list->AddRect(v.cell_min(0, c), {p.x + v.cell, v.m1.y}, to_imu32(theme.highlight, 110), 0.f, 0, 1.f);
      list->AddRect({p.x - 1, p.y - 1}, {p.x + v.cell + 1, p.y + v.cell + 1}, hl, 0.f, 0,
                    focus->head == w.head ? 3.f : 1.5f);
    }
  }
  // The query whose selection a routed step shows: the focused one, else the last.
  const int routed_q = ctx.state.focus() ? ctx.state.focus()->q : v.n - 1;
  if (const auto row = routed_row_view(a, ctx.state.play.step, w.head, routed_q)) {
    ImGui::PushFont(ctx.mono());
    draw_routed_row(list, *row, v, theme);
    ImGui::PopFont();
  }
  list->PopClipRect();

  ImGui::SetCursorScreenPos(origin);
  ImGui::InvisibleButton(fmt::format("##heatmap{}_{}", w.head, static_cast<const void*>(&a)).c_str(),
                         {left + w.side, top + w.side});
  if (w.interactive && ImGui::IsItemHovered()) {
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (mouse.x >= v.m0.x && mouse.y >= v.m0.y && mouse.x < v.m1.x && mouse.y < v.m1.y) {
      const int c = static_cast<int>(v.first_col + (mouse.x - v.m0.x) / v.cell);
      const int r = static_cast<int>(v.first_row + (mouse.y - v.m0.y) / v.cell);
      if (r >= 0 && c >= 0 && r < v.n && c < v.n) {
        const Cell cell{w.head, token_at(a, w.head, coords, r), token_at(a, w.head, coords, c)};
        ctx.hover_next = cell;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left))
          ctx.queue.push(action::Pin{ctx.state.pinned == cell ? std::nullopt : std::optional<Cell>(cell)});
      }
    }
    // The wheel zooms about the pointer: the cell under it stays under it.
    const float wheel = ImGui::GetIO().MouseWheel;
    if (wheel != 0.f)
      ctx.queue.push(action::Zoom{std::pow(1.25f, wheel),
                                  ImVec2Fraction{std::clamp((mouse.x - v.m0.x) / w.side, 0.f, 1.f),
                                                 std::clamp((mouse.y - v.m0.y) / w.side, 0.f, 1.f)}});
    if (ImGui::IsMouseDragging(ImGuiMouseButton_Right) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle)) {
      const ImVec2 d = ImGui::GetIO().MouseDelta;
      ctx.queue.push(action::Pan{-d.x / (w.side * zoom), -d.y / (w.side * zoom)});
    }
  }
}

}  // namespace attnscope
