// A model stack's layer strip (one thumbnail per layer: the union of its heads' masks, its leak
// count under it, the shown layer outlined; a click picks a layer, [ and ] step through them) and
// the receptive field after the shown layer, which takes the heatmaps' place while it is on (R).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "app/gui/heatmap_widget.hpp"
#include "app/gui/text_fit.hpp"
#include "app/gui/view_context.hpp"
#include "core/base/digits.hpp"
#include "core/presentation/params_text.hpp"
#include "core/presentation/stack_text.hpp"

namespace attnscope {

namespace {

float thumbnail_side(const ViewContext& ctx) { return ctx.classroom() ? 64.f : 44.f; }

// Scrolls the strip to the shown layer once each time it changes, so the user may scroll away
// meanwhile (the strip remembers, in ImGui's storage, which layer it last scrolled to).
void keep_in_view(int layer) {
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID id = ImGui::GetID("scrolled to");
  if (storage->GetInt(id, -1) == layer) return;
  storage->SetInt(id, layer);
  ImGui::SetScrollHereX(0.5f);
}

void thumbnail(ViewContext& ctx, const StackStrip& strip, int layer, bool shown) {
  const Theme& theme = ctx.theme();
  const float side = thumbnail_side(ctx);
  ImGui::BeginGroup();
  ImGui::PushID(layer);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  if (ImGui::InvisibleButton("layer", {side, side})) ctx.queue.push(action::SetStackLayer{layer});
  const ImVec2 p1{p0.x + side, p0.y + side};
  ImDrawList* list = ImGui::GetWindowDrawList();
  const int64_t leaks = strip.model->layer(layer).metrics.total_leaks;
  // Leaking cells in the heatmaps' leak colour, so a leaking layer shows where it leaks.
  ctx.painter.cells(list,
                    {strip.unions[layer], theme.axis, theme.masked, kThumbnailMaxTexels,
                     leaks > 0 ? strip.leak_unions[layer] : nullptr, theme.leak},
                    p0, p1);
  if (shown) list->AddRect({p0.x - 3, p0.y - 3}, {p1.x + 3, p1.y + 3}, to_imu32(theme.highlight), 0.f, 0, 3.f);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("layer %d: %s\n%s leak%s (union of heads)", layer,
                      stack_layer_text(strip.model->layer(layer)).c_str(), digits_grouped(leaks).c_str(),
                      leaks == 1 ? "" : "s");
  ctx.report.panels.push_back({fmt::format("layer {}", layer), {p0.x, p0.y, p1.x, p1.y}});
  if (shown) keep_in_view(layer);
  // Under it: the layer's number and its leak count (in the alarm colour when it has any).
  const std::string number = std::to_string(layer);
  ImGui::SetCursorScreenPos({p0.x + (side - ImGui::CalcTextSize(number.c_str()).x) * 0.5f, p1.y + 4.f});
  if (shown) ImGui::TextUnformatted(number.c_str());
  else ImGui::TextDisabled("%s", number.c_str());
  const std::string count = text_fit_name(digits_grouped(leaks), side);
  ImGui::SetCursorScreenPos({p0.x + (side - ImGui::CalcTextSize(count.c_str()).x) * 0.5f, ImGui::GetCursorScreenPos().y});
  ImGui::PushStyleColor(ImGuiCol_Text, leaks > 0 ? to_imu32(theme.leak) : ImGui::GetColorU32(ImGuiCol_TextDisabled));
  ImGui::TextUnformatted(count.c_str());
  ImGui::PopStyleColor();
  ImGui::Dummy({side, 0.f});
  ImGui::PopID();
  ImGui::EndGroup();
}

// The running strip job's progress (the field's, while the view waits for it), if one runs.
std::optional<float> stack_job_done(const AppState& state) {
  for (const Job& job : state.jobs)
    if (job.kind == JobKind::Stack) return job.control->done.load();
  return std::nullopt;
}

}  // namespace

float stack_strip_height(const ViewContext& ctx) {
  if (ctx.state.scene.stack.empty()) return 0.f;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  return line + thumbnail_side(ctx) + 4.f + 2.f * line + ImGui::GetStyle().ScrollbarSize + 8.f;
}

void view_stack_strip(ViewContext& ctx) {
  const AppState& state = ctx.state;
  if (state.scene.stack.empty()) return;
  const int layer = state.scene.layer.value_or(0);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const StackStrip* strip = state.stack.get();
  const std::string pattern = strip && layer < strip->layers() ? stack_layer_text(strip->model->layer(layer)) : state.scene.variant;
  const std::string head =
      strip ? fmt::format("layer {} of {}: {}  \u00b7  [ ] layers, click one  \u00b7  R receptive field  \u00b7  under each: "
                          "layer, leaks",
                          layer, strip->layers(), pattern)
            : fmt::format("layer {}: {}  \u00b7  {}", layer, pattern,
                          state.stack_error.empty() ? "reading the model's layers ..." : state.stack_error);
  ImGui::TextUnformatted(text_fit_lines(head, avail.x, 1).c_str());
  if (!strip) {
    ImGui::Dummy({avail.x, stack_strip_height(ctx) - ImGui::GetTextLineHeightWithSpacing()});
    return;
  }
  const float height = stack_strip_height(ctx) - ImGui::GetTextLineHeightWithSpacing();
  ImGui::BeginChild("layer strip", {avail.x, height}, false, ImGuiWindowFlags_HorizontalScrollbar);
  ImGui::SetCursorPos({4.f, 4.f});  // room for the shown layer's outline
  for (int l = 0; l < strip->layers(); ++l) {
    if (l > 0) ImGui::SameLine(0.f, 8.f);
    thumbnail(ctx, *strip, l, l == layer);
  }
  ImGui::EndChild();
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.report.panels.push_back({"layer strip", {a.x, a.y, b.x, b.y}});
}

void view_stack_reach(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const int layer = state.scene.layer.value_or(0);
  const StackStrip* strip = state.stack.get();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::PushFont(ctx.caption());
  ImGui::TextUnformatted(text_fit_lines(fmt::format("Receptive field after layer {}", layer), avail.x, 1).c_str());
  ImGui::PopFont();
  const std::optional<float> building = stack_job_done(state);
  if (!strip || strip->reach_layer != layer || !strip->reach) {
    if (!state.stack_error.empty()) {
      ImGui::TextUnformatted(state.stack_error.c_str());
      return;
    }
    ImGui::TextUnformatted("computing what each query can depend on ...");
    ImGui::ProgressBar(building.value_or(0.f), {std::min(avail.x, ImGui::GetFontSize() * 20.f), 0.f});
    return;
  }
  const StackReach& reach = *strip->reach;
  const int n = state.scene.n;
  const std::string what = counts_grouped(fmt::format(
      "row q: every token query q can depend on through layers 0..{} (the union of each layer's heads, the "
      "residual path included); {}. The whole model: {}.",
      layer, stack_layer_prefix_text(reach, layer, n), stack_whole_prefix_text(reach, n)));
  ImGui::PushFont(ctx.fonts.body);
  const std::string lines = text_break_lines(what, avail.x);
  ImGui::TextUnformatted(lines.c_str());
  ImGui::PopFont();
  const ImVec2 left = ImGui::GetContentRegionAvail();
  const float side = std::max(16.f, std::min(left.x, left.y - ImGui::GetTextLineHeightWithSpacing()));
  const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1{p0.x + side, p0.y + side};
  const Theme& theme = ctx.theme();
  ImDrawList* list = ImGui::GetWindowDrawList();
  if (strip->reach_image && strip->reach_theme == state.view.theme()) {
    auto sets = std::shared_ptr<const RowRuns>(strip->reach, &reach.sets);  // kept alive by the field
    ctx.painter.cells(list, {sets, theme.axis, theme.masked, kMaxHeatmapTexels, nullptr, {}, strip->reach_image}, p0, p1);
  } else {
    // The field's image in another theme's colours: its job builds it in this one.
    heatmap_building_draw(list, p0, p1, theme, building.value_or(0.f));
  }
  list->AddRect(p0, p1, to_imu32(theme.text));
  ctx.report.panels.push_back({"stack reach", {p0.x, p0.y, p1.x, p1.y}});
  ImGui::Dummy({side, side});
  ImGui::TextDisabled("queries q = 0..%s down, keys across", digits_grouped(n - 1).c_str());
}

}  // namespace attnscope
