#include "app/gui/heatmap_legend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "core/base/digits.hpp"

namespace attnscope {

namespace {

// One legend entry: a swatch drawn in a box of the given width, then its text.
struct Chip {
  float swatch_w = 0.f;
  std::function<void(ImDrawList*, ImVec2, ImVec2)> swatch;
  std::string text;
  ImU32 color = 0;  // 0: the theme's text colour
};

// Lays the chips out left to right, wrapping onto a new line when the next would not fit.
// Draws them when `draw`, each recorded in `report`'s legend; returns the height used.
float chips_flow(const std::vector<Chip>& chips, float width, bool draw, ScreenReport* report = nullptr) {
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float gap = ImGui::GetFontSize() * 0.8f, pad = ImGui::GetFontSize() * 0.3f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* list = ImGui::GetWindowDrawList();
  float x = 0.f, y = 0.f;
  for (const Chip& chip : chips) {
    const float w = chip.swatch_w + (chip.swatch_w > 0 ? pad : 0.f) + ImGui::CalcTextSize(chip.text.c_str()).x;
    if (x > 0.f && x + w > width) x = 0.f, y += line;
    if (draw) {
      const float h = ImGui::GetFontSize() * 0.7f;
      const ImVec2 s0{origin.x + x, origin.y + y + (ImGui::GetTextLineHeight() - h) * 0.5f};
      if (chip.swatch) chip.swatch(list, s0, {s0.x + chip.swatch_w, s0.y + h});
      if (report)
        report->legend.push_back({chip.text, chip.swatch ? ScreenRect{s0.x, s0.y, s0.x + chip.swatch_w, s0.y + h} : ScreenRect{}});
      list->AddText({origin.x + x + chip.swatch_w + (chip.swatch_w > 0 ? pad : 0.f), origin.y + y},
                    chip.color ? chip.color : ImGui::GetColorU32(ImGuiCol_Text), chip.text.c_str());
    }
    x += w + gap;
  }
  const float height = y + line;
  if (draw) ImGui::Dummy({width, height});
  return height;
}

Chip bar_chip(const std::array<Rgb8, 256>& table, float w, std::string text) {
  return {w,
          [&table](ImDrawList* list, ImVec2 a, ImVec2 b) {
            for (int i = 0; i < 64; ++i) {
              const float x0 = a.x + (b.x - a.x) * i / 64.f, x1 = a.x + (b.x - a.x) * (i + 1) / 64.f + 0.5f;
              list->AddRectFilled({x0, a.y}, {x1, b.y}, to_imu32(table[i * 255 / 63]));
            }
          },
          std::move(text)};
}

Chip box_chip(ImU32 fill, std::string text, ImU32 outline = 0) {
  const float h = ImGui::GetFontSize() * 0.7f;
  return {h,
          [fill, outline](ImDrawList* list, ImVec2 a, ImVec2 b) {
            list->AddRectFilled(a, b, fill);
            if (outline) list->AddRect(a, b, outline, 0.f, 0, 2.f);
          },
          std::move(text)};
}

std::vector<Chip> legend_chips(ViewContext& ctx, StepCells cells, const std::vector<CellsDrawn>& drawn) {
  const Theme& theme = ctx.theme();
  const float h = ImGui::GetFontSize() * 0.7f;
  const float bar = ImGui::GetFontSize() * 4.f;
  std::vector<Chip> chips;
  for (auto it = drawn.begin(); it != drawn.end(); ++it) {
    // Heads that colour their cells the same way share one entry.
    if (std::find(drawn.begin(), it, *it) != it) continue;
    switch (*it) {
      case CellsDrawn::Pattern:
        chips.push_back(box_chip(to_imu32(theme.background), "computed at the scores step", to_imu32(theme.axis)));
        break;
      case CellsDrawn::Scores: {
        const float s = ctx.state.score_scale;
        chips.push_back({0.f, nullptr, fmt::format("score \u2212{:.1f}", s)});
        chips.push_back(bar_chip(diverging_table(), bar, fmt::format("+{:.1f}", s)));
        break;
      }
      case CellsDrawn::Weights: {
        const WeightScale& scale = ctx.state.weight_scale;
        chips.push_back({0.f, nullptr, "weight 0"});
        chips.push_back(bar_chip(colormap_table(ctx.state.view.colormap), bar,
                                 fmt::format("{}{:.2f}", scale.clipped ? "\u2265 " : "", scale.vmax)));
        break;
      }
      case CellsDrawn::Allowed: chips.push_back(box_chip(to_imu32(theme.allowed), allowed_cells_label(cells))); break;
    }
  }
  chips.push_back(box_chip(to_imu32(theme.masked), masked_cells_label(cells)));
  if (step_shows_leaks(cells))
    chips.push_back({h,
                     [leak = to_imu32(theme.leak)](ImDrawList* list, ImVec2 a, ImVec2 b) {
                       list->AddRect(a, b, leak, 0.f, 0, 2.f);
                       list->AddLine(a, b, leak, 2.f);
                       list->AddLine({a.x, b.y}, {b.x, a.y}, leak, 2.f);
                     },
                     "leak"});
  return chips;
}

std::vector<Chip> diff_chips(const DiffCounts* c) {
  auto label = [&](const char* name, int64_t DiffCounts::*count) {
    return c ? fmt::format("{}: {}", name, digits_grouped(c->*count)) : std::string(name);
  };
  return {box_chip(to_imu32(diff_color(DiffOp::AMinusB)), label("A only", &DiffCounts::a_only)),
          box_chip(to_imu32(diff_color(DiffOp::BMinusA)), label("B only", &DiffCounts::b_only)),
          box_chip(to_imu32(diff_color(DiffOp::Both)), label("both", &DiffCounts::both))};
}

}  // namespace

float heatmap_legend_height(ViewContext& ctx, StepCells cells, const std::vector<CellsDrawn>& drawn, float width) {
  ImGui::PushFont(ctx.body());
  const float h = chips_flow(legend_chips(ctx, cells, drawn), width, false);
  ImGui::PopFont();
  return h;
}

void heatmap_legend(ViewContext& ctx, StepCells cells, const std::vector<CellsDrawn>& drawn, float width) {
  ImGui::PushFont(ctx.body());
  chips_flow(legend_chips(ctx, cells, drawn), width, true, &ctx.report);
  ImGui::PopFont();
}

float diff_legend_height(ViewContext& ctx, const DiffCounts* counts, float width) {
  ImGui::PushFont(ctx.body());
  const float h = chips_flow(diff_chips(counts), width, false);
  ImGui::PopFont();
  return h;
}

void diff_legend(ViewContext& ctx, const DiffCounts* counts, float width) {
  ImGui::PushFont(ctx.body());
  chips_flow(diff_chips(counts), width, true);
  ImGui::PopFont();
}

}  // namespace attnscope
