// Token grid: rows are positions in the step's memory order, columns are heads, each cell shows
// the original token it holds. Cells glide between steps (see token_motion.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "app/gui/text_fit.hpp"
#include "app/gui/token_bands.hpp"
#include "app/gui/token_light.hpp"
#include "app/gui/view_context.hpp"
#include "core/base/digits.hpp"
#include "core/presentation/glossary.hpp"
#include "core/presentation/step_caption.hpp"
#include "core/presentation/step_shape.hpp"
#include "core/presentation/token_motion.hpp"
#include "core/variants/decode_trace.hpp"

namespace attnscope {

namespace {

Rgb8 cell_color(const ViewContext& ctx, const TokenPose& pose) {
  if (ctx.state.view.color_by == ColorBy::Group)
    return pose.group >= 0 ? category_color(pose.group) : ctx.theme().masked;
  return token_color(pose.token, ctx.state.analysis->n());
}

// On a projector the grid gives the matrices its room: row labels as wide as N's numbers need,
// columns as wide as a token's number with 0.6 em around it (the classroom scene's N = 16 fits a
// 1024 px screen beside two 320 px matrices). Elsewhere four digits, so the grid keeps its width
// whatever N is. A scene too long for its rows to fit is drawn as bands, whose token ranges
// ("7168-8191") set the column width. Call with the mono font pushed.
constexpr int kProjectorCellsUpTo = 64;
bool projector_columns(const ViewContext& ctx, int n) { return ctx.projector() && n <= kProjectorCellsUpTo; }

float row_label_width(const ViewContext& ctx, int n) {
  const std::string widest = projector_columns(ctx, n) ? std::string(std::max<size_t>(2, std::to_string(n - 1).size()), '0') : "0000";
  return ImGui::CalcTextSize(widest.c_str()).x + 6.f;
}

float column_width_max(const ViewContext& ctx, int n) {
  if (projector_columns(ctx, n))
    return std::max(ImGui::CalcTextSize(std::to_string(n - 1).c_str()).x, ImGui::CalcTextSize("h00").x) + ctx.mono()->FontSize * 0.6f;
  const std::string range = fmt::format("{}\u2013{}", digits_grouped(n - 1), digits_grouped(n - 1));
  return std::max({ctx.mono()->FontSize * 3.2f, row_label_width(ctx, n) * 1.5f, ImGui::CalcTextSize(range.c_str()).x + 10.f});
}

// The step's bands: found now for a small step, else kept in the state from their job (asked for
// once); null while the job runs, and `note` says how far it is.
std::shared_ptr<const StepBands> bands_of(ViewContext& ctx, const Step& step, std::string& note) {
  const AppState& state = ctx.state;
  if (token_bands_in_frame(step)) return std::make_shared<const StepBands>(step_token_bands(*state.analysis, step));
  const int index = state.play.step;
  if (const StepBandsOf* stored = state.token_bands_of(index)) {
    if (!stored->bands) note = "token grid not laid out: " + stored->error;
    return stored->bands;
  }
  float done = 0.f;
  if (const Job* job = state.token_bands_job(index)) done = job->control->done.load();
  else ctx.queue.push(action::ComputeTokenBands{state.analysis, index});
  note = fmt::format("laying out {} tokens {:.0f}%", digits_grouped(state.analysis->n()), done * 100.f);
  return nullptr;
}

// Very tall grids: one band per run of rows in the same group, labelled with the group and the
// tokens at its ends (a wrapped group reads "7168-1023").
void draw_bands(ViewContext& ctx, const Step& step, ImVec2 p0, float col_w, float height, int n) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  std::string note;
  const std::shared_ptr<const StepBands> bands = bands_of(ctx, step, note);
  if (!note.empty()) list->AddText(p0, ImGui::GetColorU32(ImGuiCol_TextDisabled), note.c_str());
  if (!bands) return;
  for (int h = 0; h < step.heads && h < static_cast<int>(bands->size()); ++h) {
    const float x0 = p0.x + h * col_w, x1 = x0 + col_w * 0.9f;
    // Bands under a pixel (thousands of small groups) are stretched to one and the bands they
    // then cover are left out: a head draws at most one band per pixel row.
    float drawn_to = p0.y;
    for (const TokenBand& band : (*bands)[h]) {
      const float y0 = p0.y + height * band.row_begin / n, y1 = p0.y + height * band.row_end / n;
      if (y0 < drawn_to) continue;
      drawn_to = std::max(y1, y0 + 1.f);
      const Rgb8 fill = category_color(band.group);
      list->AddRectFilled({x0, y0}, {x1, drawn_to}, to_imu32(fill));
      if (y1 - y0 >= 3.f) list->AddLine({x0, y0}, {x1, y0}, to_imu32(ctx.theme().background), 1.f);  // where bands meet
      if (y1 - y0 < line + 2.f) continue;
      const std::string group = fmt::format("g{}", band.group);
      const std::string range = fmt::format("{}\u2013{}", digits_grouped(band.first_token), digits_grouped(band.last_token));
      const bool two_lines = y1 - y0 >= 2.f * line + 4.f;
      float y = (y0 + y1) * 0.5f - (two_lines ? line : line * 0.5f);
      for (const std::string* text : {&group, &range}) {
        if (text == &range && !two_lines) break;
        const float w = ImGui::CalcTextSize(text->c_str()).x;
        if (w > x1 - x0) break;  // narrow columns (many heads) keep their colour, not a smudge of text
        list->AddText({(x0 + x1 - w) * 0.5f, y}, text_on(fill), text->c_str());
        y += line;
      }
    }
  }
}

// One token cell, filled and outlined by how the mask step lights it. In a KV-cache decode step a
// key the cache has dropped is drawn faded and struck through, a token not decoded yet as an
// empty outline: neither is in the cache any more (or yet). Whether the token's number was drawn.
bool draw_cell(ViewContext& ctx, ImVec2 a, ImVec2 b, const TokenPose& pose, TokenLight light, DecodeRole role, bool marked) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const Theme& theme = ctx.theme();
  const Rgb8 fill = light == TokenLight::Leak ? theme.leak : cell_color(ctx, pose);
  const bool dim = light == TokenLight::Dim || role == DecodeRole::Dropped || role == DecodeRole::Future;
  if (role == DecodeRole::Future) list->AddRect(a, b, to_imu32(fill, 160), 2.f, 0, 1.5f);
  else list->AddRectFilled(a, b, to_imu32(fill, dim ? 70 : 255), 2.f);
  if (role == DecodeRole::Dropped) list->AddLine({a.x + 2.f, (a.y + b.y) * 0.5f}, {b.x - 2.f, (a.y + b.y) * 0.5f}, to_imu32(theme.text), 2.f);
  // The token's number, a size smaller where the rows are short (a projector's large type), so
  // every row keeps its number while it stays readable.
  ImFont* font = ctx.mono();
  const float font_size = std::min(font->FontSize, b.y - a.y);
  const bool label = font_size >= font->FontSize * 0.7f;
  if (label) {
    const std::string label = std::to_string(pose.token);
    const ImVec2 size = font->CalcTextSizeA(font_size, FLT_MAX, 0.f, label.c_str());
    list->AddText(font, font_size, {(a.x + b.x - size.x) * 0.5f, (a.y + b.y - size.y) * 0.5f},
                  dim ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : text_on(fill), label.c_str());
  }
  const auto focus = ctx.state.focus();
  const bool focused = focus && focus->head == pose.head && (pose.token == focus->q || pose.token == focus->k);
  switch (light) {
    case TokenLight::Query: list->AddRect(a, b, to_imu32(theme.highlight), 2.f, 0, 3.f); break;
    case TokenLight::Allowed: list->AddRect(a, b, to_imu32(theme.highlight), 2.f, 0, 2.f); break;
    case TokenLight::Leak: list->AddRect(a, b, to_imu32(theme.highlight), 2.f, 0, 3.f); break;
    case TokenLight::Plain:
    case TokenLight::Dim:
      if (focused) list->AddRect(a, b, to_imu32(theme.highlight), 2.f, 0, 3.f);
      break;
  }
  // The step's marked tokens (SF's sinks) get a frame in the text colour, as in the figures.
  if (marked) list->AddRect({a.x - 1.f, a.y - 1.f}, {b.x + 1.f, b.y + 1.f}, ImGui::GetColorU32(ImGuiCol_Text), 2.f, 0, 3.f);
  return label;
}

}  // namespace

namespace {

std::string step_title(const AppState& state, int index) {
  const auto& steps = state.analysis->trace().steps;
  return step_number_text(index, static_cast<int>(steps.size())) + ":  " + steps[index].name;
}

// Prose breaks at spaces (text_wrapped); code lines wrap as ImGui draws them (view_step_header).
float wrapped_height(ImFont* font, const std::string& text, float width) {
  ImGui::PushFont(font);
  const float h = ImGui::CalcTextSize(text_break_lines(text, width).c_str()).y;
  ImGui::PopFont();
  return h;
}
float code_height(ImFont* font, const std::string& text, float width) {
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, width, text.c_str()).y;
}

ImFont* why_font(ViewContext& ctx) { return ctx.classroom() ? ctx.fonts.caption : ctx.fonts.body; }
// In classroom on a large screen the reason is cut to one line (in the larger type it would take
// two or more and push the views down; hovering shows it whole); on a projector, where the title,
// shape and code lines give way to it, and outside classroom it wraps in full.
std::string why_text(ViewContext& ctx, const StepText& step, float width) {
  const std::string text = "why: " + step.why;
  if (!ctx.classroom() || ctx.projector()) return text;
  ImGui::PushFont(why_font(ctx));
  std::string fitted = text_fit_lines(text, width, 1);
  ImGui::PopFont();
  return fitted;
}

// The "why" line and the glossary terms line under a step's caption (see view_step_header).
float step_why_height(ViewContext& ctx, const StepText& step, float width) {
  float h = 0.f;
  if (!step.why.empty()) h += wrapped_height(why_font(ctx), why_text(ctx, step, width), width) + ImGui::GetStyle().ItemSpacing.y;
  if (ctx.classroom() || step.terms.empty()) return h;
  // glossary_terms_line wraps term by term; count its lines the same way.
  const float space = ImGui::GetStyle().ItemSpacing.x;
  float x = ImGui::CalcTextSize("terms:").x;
  int lines = 1;
  for (const GlossaryTerm* t : step.terms) {
    const float w = ImGui::CalcTextSize(t->term.c_str()).x;
    if (x + space + w > width) ++lines, x = w;
    else x += space + w;
  }
  return h + lines * ImGui::GetTextLineHeightWithSpacing();
}

// On a projector the step strip under the views names the step and the code strip gives way,
// so the caption and its reason keep the room the matrices leave.
bool header_has_title_and_code(ViewContext& ctx) { return !ctx.projector(); }

// The tallest any step's header gets at this width, so the views below keep their place while
// stepping (a caption that wraps onto one more line must not push the grid down).
float step_header_height(ViewContext& ctx, ImFont* caption, float width) {
  const AppState& state = ctx.state;
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool full = header_has_title_and_code(ctx);
  float tallest = 0.f;
  const auto& steps = state.analysis->trace().steps;
  for (int i = 0; i < static_cast<int>(steps.size()); ++i) {
    float h = wrapped_height(caption, state.step_texts[i].caption, width) + step_why_height(ctx, state.step_texts[i], width);
    if (full)
      h += wrapped_height(ctx.caption(), step_title(state, i), width) +
           wrapped_height(ctx.mono(), step_shape_text(steps[i], state.analysis->scene), width) +
           code_height(ctx.mono(), steps[i].code, width - 12.f) + 14.f + 3.f * style.ItemSpacing.y;
    tallest = std::max(tallest, h);
  }
  return tallest;
}

void text_wrapped_in(ImFont* font, const std::string& text, std::optional<ImU32> color = std::nullopt) {
  ImGui::PushFont(font);
  if (color) ImGui::PushStyleColor(ImGuiCol_Text, *color);
  text_wrapped(text);
  if (color) ImGui::PopStyleColor();
  ImGui::PopFont();
}

}  // namespace

void view_step_header(ViewContext& ctx) {
  const Step* step = ctx.state.current_step();
  if (!step) return;
  const float width = ImGui::GetContentRegionAvail().x;
  const float y0 = ImGui::GetCursorPosY();
  // Captions in caption type while the tallest takes at most a third of the window; beyond that
  // (long captions on a small projector) in body type, so the views keep their room.
  // On a projector always in body type: the large classroom body is readable from the room.
  ImFont* caption = ctx.projector() ? ctx.body() : ctx.caption();
  float height = step_header_height(ctx, caption, width);
  if (height > ImGui::GetIO().DisplaySize.y / 3.f) {
    caption = ctx.body();
    height = step_header_height(ctx, caption, width);
  }
  const bool full = header_has_title_and_code(ctx);
  if (full) {
    text_wrapped_in(ctx.caption(), step_title(ctx.state, ctx.state.play.step));
    text_wrapped_in(ctx.mono(), step_shape_text(*step, ctx.state.analysis->scene), ImGui::GetColorU32(ImGuiCol_TextDisabled));
  }
  const StepText& text = *ctx.state.step_text(ctx.state.play.step);
  text_wrapped_in(caption, text.caption);
  // The step's reason under the caption, a size smaller than the caption (in classroom the
  // regular caption size, readable from the room, and in the text colour: a grey line washes out
  // on a projector), then the glossary terms it uses (in classroom they are in the Glossary menu,
  // which keeps the grid's room).
  if (!text.why.empty()) {
    const ImU32 color = ImGui::GetColorU32(ctx.classroom() ? ImGuiCol_Text : ImGuiCol_TextDisabled);
    const std::string why = why_text(ctx, text, width);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    text_wrapped_in(why_font(ctx), why, color);
    ctx.report.lines.push_back({"step why", why, why_font(ctx)->FontSize, color,
                                {at.x, at.y, ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}});
  }
  if (!ctx.classroom()) glossary_terms_line(text.terms);
  if (!full) {
    const float used = ImGui::GetCursorPosY() - y0;
    if (used < height) ImGui::Dummy({width, height - used});
    return;
  }
  // The equivalent PyTorch line, on a dark strip like a code cell.
  ImGui::PushFont(ctx.mono());
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float wrap = width - 12.f;
  const ImVec2 size = ImGui::CalcTextSize(step->code.c_str(), nullptr, false, wrap);
  list->AddRectFilled(p, {p.x + width, p.y + size.y + 10.f}, IM_COL32(32, 34, 40, 255), 4.f);
  list->AddText(ctx.mono(), ctx.mono()->FontSize, {p.x + 6.f, p.y + 5.f}, IM_COL32(230, 230, 230, 255),
                step->code.c_str(), nullptr, wrap);
  ImGui::Dummy({width, size.y + 14.f});
  ImGui::PopFont();
  const float used = ImGui::GetCursorPosY() - y0;
  if (used < height) ImGui::Dummy({width, height - used});
}

float token_grid_width(ViewContext& ctx) {
  const AppState& state = ctx.state;
  if (!state.analysis) return 0.f;
  float cols = 1.f;  // the widest step, so the panel keeps its width while stepping
  for (const Step& step : state.analysis->trace().steps) cols = std::max(cols, token_grid_cols(step, step, 1.f));
  ImGui::PushFont(ctx.mono());
  const float width = row_label_width(ctx, state.analysis->n()) + cols * column_width_max(ctx, state.analysis->n());
  ImGui::PopFont();
  return width + ImGui::GetStyle().WindowPadding.x * 2.f + 2.f;
}

void view_token_grid(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const Step* to = state.current_step();
  if (!to) return;
  const auto& steps = state.analysis->trace().steps;
  const Step& from = steps[std::clamp(state.play.from, 0, static_cast<int>(steps.size()) - 1)];
  const float t = state.play.t;
  const int n = state.analysis->n();

  ImGui::PushFont(ctx.mono());
  const float label_w = row_label_width(ctx, n);
  const float header_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float cols = token_grid_cols(from, *to, t);
  const float rows = token_grid_rows(from, *to, t);
  const float row_h = std::min((avail.y - header_h) / rows, ctx.mono()->FontSize * 2.2f);
  const float col_w = std::min((avail.x - label_w) / std::max(cols, 1.f), column_width_max(ctx, n));
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 p0{origin.x + label_w, origin.y + header_h};

  // Head labels follow their columns (they separate while the heads are chunked). Columns too
  // narrow for a label (32 heads) label every few heads, so labels never overlap.
  // A chunked head's label names its part ("h1 [1]") where the column has room for it; narrow
  // columns (a projector's) keep the head's name, the gap between the parts shows the chunks.
  const auto chunk_label = [&](int h) {
    const bool chunked = !to->head_part.empty() && to->head_part[h] >= 0;
    return chunked ? fmt::format("h{} [{}]", h, to->head_part[h]) : fmt::format("h{}", h);
  };
  const bool parts_fit = ImGui::CalcTextSize(chunk_label(to->heads - 1).c_str()).x + 8.f <= col_w;
  const auto head_label = [&](int h) { return parts_fit ? chunk_label(h) : fmt::format("h{}", h); };
  const float widest = ImGui::CalcTextSize(head_label(to->heads - 1).c_str()).x + 8.f;
  const int label_every = std::max(1, static_cast<int>(std::ceil(widest / std::max(col_w, 1.f))));
  for (int h = 0; h < to->heads; h += label_every) {
    const std::string label = head_label(h);
    list->AddText({p0.x + token_grid_column(from, *to, h, t) * col_w + 4.f, origin.y},
                  ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
  }

  if (row_h < ctx.mono()->FontSize * 0.6f) {
    draw_bands(ctx, *to, p0, col_w, std::min(avail.y - header_h, row_h * rows), n);
    ImGui::PopFont();
    ImGui::Dummy(avail);
    return;
  }

  // Memory rows of the destination step.
  for (int r = 0; r < n; r += std::max(1, static_cast<int>(std::ceil(ctx.mono()->FontSize / row_h)))) {
    const std::string label = std::to_string(r);
    const float y = p0.y + (r + (to->group(r, 0) >= 0 ? to->group(r, 0) * kGroupGap : 0.f)) * row_h;
    list->AddText({origin.x, y + (row_h - ImGui::GetTextLineHeight()) * 0.5f}, ImGui::GetColorU32(ImGuiCol_TextDisabled),
                  label.c_str());
  }

  const std::optional<Cell> query = token_light_query(state);
  const ImVec2 clip1{p0.x + cols * col_w, p0.y + rows * row_h};
  list->PushClipRect(p0, clip1, true);
  const std::vector<TokenPose> poses = token_poses_between(from, *to, t);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (size_t i = 0; i < poses.size(); ++i) {
    const TokenPose& pose = poses[i];
    const TokenLight light = token_light(*state.analysis, query, pose.head, pose.token);
    for (const std::optional<float>& row : {std::optional<float>(pose.row), pose.wrap_row}) {
      if (!row || *row <= -1.f || *row >= rows) continue;
      const ImVec2 a{p0.x + pose.col * col_w + 1.f, p0.y + *row * row_h + 1.f};
      const ImVec2 b{a.x + col_w - 4.f, a.y + row_h - 2.f};
      const bool label = draw_cell(ctx, a, b, pose, light, decode_group_role(*to, pose.group),
                                   std::find(to->marked.begin(), to->marked.end(), pose.token) != to->marked.end());
      ctx.report.token_cells.push_back({static_cast<int>(i) % n, pose.head, pose.token, {a.x, a.y, b.x, b.y},
                                        token_light_name(light), label});
      if (ImGui::IsWindowHovered() && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y)
        ctx.hover_next = Cell{pose.head, pose.token, pose.token};
    }
  }
  list->PopClipRect();
  ImGui::PopFont();
  ImGui::Dummy({avail.x, std::min(avail.y, header_h + rows * row_h)});
}

}  // namespace attnscope
