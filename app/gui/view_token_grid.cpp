// Token grid: rows are positions in the step's memory order, columns are heads, each cell shows
// the original token it holds. Cells glide between steps (see token_motion.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "app/gui/token_motion.hpp"
#include "app/gui/view_context.hpp"

namespace attnscope {

namespace {

Rgb8 cell_color(const ViewContext& ctx, const TokenPose& pose) {
  if (ctx.state.view.color_by == ColorBy::Group)
    return pose.group >= 0 ? category_color(pose.group) : ctx.theme().masked;
  return category_color(pose.token);
}

// The query's allowed keys light up at the steps that carry scores or weights.
struct Lighting {
  bool active = false;
  int head = 0, query = 0;
  const RowRuns* mask = nullptr;
  bool lit(int head_, int token) const {
    return head_ == head && (token == query || mask->contains(query, token));
  }
};

Lighting lighting(const ViewContext& ctx, const Step& step) {
  Lighting l;
  const auto focus = ctx.state.focus();
  if (!focus || step.values == StepValues::None || step.values == StepValues::Output) return l;
  l.active = true;
  l.head = focus->head;
  l.query = focus->q;
  l.mask = &ctx.state.analysis->mask(focus->head);
  return l;
}

// Very tall grids: one band per pixel row, coloured by the token held there.
void draw_bands(ViewContext& ctx, const Step& step, ImVec2 p0, float col_w, float height, int n) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const int bands = std::max(1, static_cast<int>(height));
  for (int h = 0; h < step.heads; ++h) {
    const float x = p0.x + h * col_w;
    for (int b = 0; b < bands; ++b) {
      const int row = static_cast<int>(static_cast<int64_t>(b) * n / bands);
      TokenPose pose{step.token(row, h), h, step.group(row, h), 0.f, 0.f};
      list->AddRectFilled({x, p0.y + height * b / bands}, {x + col_w * 0.9f, p0.y + height * (b + 1) / bands},
                          to_imu32(cell_color(ctx, pose)));
    }
  }
}

}  // namespace

void view_step_header(ViewContext& ctx) {
  const Step* step = ctx.state.current_step();
  if (!step) return;
  const auto& steps = ctx.state.analysis->trace().steps;
  ImGui::PushFont(ctx.caption());
  ImGui::Text("Step %d / %d:  %s", ctx.state.play.step + 1, static_cast<int>(steps.size()), step->name.c_str());
  ImGui::PopFont();
  std::string shape = "(";
  for (size_t i = 0; i < step->shape.size(); ++i)
    shape += fmt::format("{}{}={}", i ? ", " : "", i < step->axes.size() ? step->axes[i] : "?", step->shape[i]);
  shape += ")";
  ImGui::PushFont(ctx.mono());
  ImGui::TextDisabled("%s", shape.c_str());
  ImGui::PopFont();
  const auto caption = ctx.state.scene.captions.find(step->name);
  const std::string& text = caption != ctx.state.scene.captions.end() ? caption->second : step->explanation;
  ImGui::PushFont(ctx.caption());
  ImGui::PushTextWrapPos(0.f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  // The equivalent PyTorch line, on a dark strip like a code cell.
  ImGui::PushFont(ctx.mono());
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float wrap = width - 12.f;
  const ImVec2 size = ImGui::CalcTextSize(step->code.c_str(), nullptr, false, wrap);
  list->AddRectFilled(p, {p.x + width, p.y + size.y + 10.f}, IM_COL32(32, 34, 40, 255), 4.f);
  list->AddText(ctx.mono(), ctx.mono()->FontSize, {p.x + 6.f, p.y + 5.f}, IM_COL32(230, 230, 230, 255),
                step->code.c_str(), nullptr, wrap);
  ImGui::Dummy({width, size.y + 14.f});
  ImGui::PopFont();
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
  const float label_w = ImGui::CalcTextSize("0000").x + 6.f;
  const float header_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float cols = token_grid_cols(from, *to, t);
  const float rows = token_grid_rows(from, *to, t);
  const float row_h = std::min((avail.y - header_h) / rows, ctx.mono()->FontSize * 2.2f);
  const float col_w = std::min((avail.x - label_w) / std::max(cols, 1.f), std::max(row_h * 2.4f, label_w * 1.5f));
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 p0{origin.x + label_w, origin.y + header_h};

  // Head labels follow their columns (they separate while the heads are chunked).
  for (int h = 0; h < to->heads; ++h) {
    const bool chunked = !to->head_part.empty() && to->head_part[h] >= 0;
    const std::string label = chunked ? fmt::format("h{} [{}]", h, to->head_part[h]) : fmt::format("h{}", h);
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

  const Lighting light = lighting(ctx, *to);
  const auto focus = state.focus();
  const ImVec2 clip1{p0.x + cols * col_w, p0.y + rows * row_h};
  list->PushClipRect(p0, clip1, true);
  const std::vector<TokenPose> poses = token_poses_between(from, *to, t);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool labels = row_h >= ctx.mono()->FontSize * 0.9f;
  for (size_t i = 0; i < poses.size(); ++i) {
    const TokenPose& pose = poses[i];
    const Rgb8 fill = cell_color(ctx, pose);
    const bool dim = light.active && !light.lit(pose.head, pose.token);
    for (float row : {pose.row, pose.row + n, pose.row - n}) {  // the copy that wraps in
      if (row <= -1.f || row >= rows) continue;
      const ImVec2 a{p0.x + pose.col * col_w + 1.f, p0.y + row * row_h + 1.f};
      const ImVec2 b{a.x + col_w - 4.f, a.y + row_h - 2.f};
      list->AddRectFilled(a, b, to_imu32(fill, dim ? 70 : 255), 2.f);
      if (labels) {
        const std::string label = std::to_string(pose.token);
        const ImVec2 size = ImGui::CalcTextSize(label.c_str());
        list->AddText({(a.x + b.x - size.x) * 0.5f, (a.y + b.y - size.y) * 0.5f},
                      dim ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : text_on(fill), label.c_str());
      }
      if (light.active && light.lit(pose.head, pose.token))
        list->AddRect(a, b, to_imu32(ctx.theme().highlight), 2.f, 0, pose.token == light.query ? 3.f : 2.f);
      else if (focus && focus->head == pose.head && (pose.token == focus->q || pose.token == focus->k))
        list->AddRect(a, b, to_imu32(ctx.theme().highlight), 2.f, 0, 3.f);
      if (t >= 1.f && row == pose.row)
        ctx.report.token_cells.push_back({static_cast<int>(i) % n, pose.head, pose.token, {a.x, a.y, b.x, b.y}});
      if (ImGui::IsWindowHovered() && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y)
        ctx.hover_next = Cell{pose.head, pose.token, pose.token};
    }
  }
  list->PopClipRect();
  ImGui::PopFont();
  ImGui::Dummy({avail.x, std::min(avail.y, header_h + rows * row_h)});
}

}  // namespace attnscope
