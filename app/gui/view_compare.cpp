// Compare: the same scene (same q, k, v) under 2-4 chosen variants, the cells only A allows,
// only B allows and both allow, their metrics, and the focused cell under A and B.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "app/gui/apply.hpp"
#include "app/gui/heatmap_legend.hpp"
#include "app/gui/heatmap_widget.hpp"
#include "app/gui/text_fit.hpp"
#include "core/base/digits.hpp"
#include "core/presentation/compare.hpp"

namespace attnscope {

namespace {

// The scene's own variant is the current analysis (an audited module has no other); the others
// are the same scene under another variant.
std::shared_ptr<const Analysis> cached(const ViewContext& ctx, const std::string& variant) {
  const AppState& state = ctx.state;
  if (variant == state.scene.variant) return state.analysis && state.analysis->scene == state.scene ? state.analysis : nullptr;
  return state.cache.peek(scene_hash(compare_scene(state.scene, variant)));
}

// The next item on the same line when `width` more fits the panel, else on the next line: the
// choosers wrap inside the panel instead of running off its edge in large type.
void same_line_if_fits(float width) {
  const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

// One combo per compared variant, a head chooser, and buttons to add or drop a variant.
void choosers(ViewContext& ctx, int head) {
  const AppState& state = ctx.state;
  const auto& variants = state.view.compare_variants;
  const float combo_w = ImGui::GetFontSize() * 7.5f;
  const float letter_w = ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize("M").x;
  for (size_t i = 0; i < variants.size(); ++i) {
    if (i) same_line_if_fits(combo_w + letter_w);
    ImGui::SetNextItemWidth(combo_w);
    const std::string label = fmt::format("{}##compare{}", compare_letter(i), i);
    if (ImGui::BeginCombo(label.c_str(), variants[i].c_str())) {
      for (const Variant* v : variant_all()) {
        // A variant another slot shows is greyed out: none is compared with itself.
        const std::string& name = v->info().name;
        const bool elsewhere = name != variants[i] && std::find(variants.begin(), variants.end(), name) != variants.end();
        if (ImGui::Selectable(name.c_str(), name == variants[i], elsewhere ? ImGuiSelectableFlags_Disabled : 0) &&
            name != variants[i]) {
          std::vector<std::string> chosen = variants;
          chosen[i] = name;
          ctx.queue.push(action::SetCompare{true, chosen});
        }
      }
      ImGui::EndCombo();
    }
  }
  same_line_if_fits(ImGui::GetFrameHeight() * 2.f + ImGui::GetFontSize() * 5.f);
  if (variants.size() < kCompareMaxVariants && ImGui::Button("+##add_variant")) {
    // full first, else the first variant not compared yet.
    std::vector<std::string> chosen = variants;
    std::vector<std::string> candidates{"full"};
    for (const Variant* v : variant_all()) candidates.push_back(v->info().name);
    for (const std::string& name : candidates)
      if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) {
        chosen.push_back(name);
        break;
      }
    ctx.queue.push(action::SetCompare{true, chosen});
  }
  if (variants.size() > 2) {
    ImGui::SameLine();
    if (ImGui::Button("\u2212##drop_variant")) {
      std::vector<std::string> chosen(variants.begin(), variants.end() - 1);
      ctx.queue.push(action::SetCompare{true, chosen});
    }
  }
  same_line_if_fits(ImGui::GetFontSize() * 5.f);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5.f);
  const std::string current = fmt::format("head {}", head);
  if (ImGui::BeginCombo("##compare_head", current.c_str())) {
    for (int h = 0; h < state.scene.heads; ++h)
      if (ImGui::Selectable(fmt::format("head {}", h).c_str(), h == head)) ctx.queue.push(action::SetCompareHead{h});
    ImGui::EndCombo();
  }
}

void metrics_table(ViewContext& ctx, const std::vector<std::shared_ptr<const Analysis>>& analyses) {
  const AppState& state = ctx.state;
  const auto& variants = state.view.compare_variants;
  const std::vector<std::string> columns = compare_columns(state.scene.policy);
  if (!ImGui::BeginTable("metrics", static_cast<int>(columns.size()),
                         ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
    return;
  for (const std::string& column : columns) ImGui::TableSetupColumn(column.c_str());
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < variants.size(); ++i) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(fmt::format("{} {}", compare_letter(i), variants[i]).c_str());
    if (!analyses[i]) {
      ImGui::TableNextColumn();
      const std::string& error = i < state.compare_errors.size() ? state.compare_errors[i] : std::string();
      ImGui::TextDisabled("%s", error.empty() ? "analysing..." : "cannot run this scene");
      if (!error.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", error.c_str());
      continue;
    }
    const std::vector<std::string> row = compare_row(*analyses[i]);
    for (size_t c = 1; c < row.size(); ++c) {
      ImGui::TableNextColumn();
      if (c == kCompareLeaksColumn && analyses[i]->metrics.total_leaks > 0)
        ImGui::TextColored(ImColor(to_imu32(ctx.theme().leak)), "%s", row[c].c_str());
      else
        ImGui::TextUnformatted(row[c].c_str());
    }
  }
  ImGui::EndTable();
}

// The A-vs-B overlay of a large scene as far as its job has got: the overlay once built, else the
// job's progress (asked for once).
struct OverlayShown {
  std::shared_ptr<const DiffOverlay> overlay;
  std::optional<float> building;
  std::string error;  // why a finished job left no overlay (cancelled)
};

OverlayShown overlay_shown(ViewContext& ctx, const std::shared_ptr<const Analysis>& a, const std::shared_ptr<const Analysis>& b,
                     int head) {
  OverlayShown shown;
  const DiffImageKey key{head, ctx.state.view.theme()};
  if (const CompareDiff* stored = ctx.state.diff_image_of(a.get(), b.get(), key)) {
    shown.overlay = stored->overlay;
    shown.error = stored->error;
  } else if (const Job* job = ctx.state.diff_image_job(a.get(), b.get(), key)) {
    shown.building = job->control->done.load();
  } else {
    ctx.queue.push(action::ComputeDiffImage{a, b, key});
    shown.building = 0.f;
  }
  return shown;
}

// A and B in one image (A only, B only, both); hovering a cell focuses it, so the inspector
// line explains it under every variant.
void diff_widget(ViewContext& ctx, const std::shared_ptr<const Analysis>& a, const std::shared_ptr<const Analysis>& b,
                 int head, float side, const OverlayShown& shown) {
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx, a->n());
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* list = ImGui::GetWindowDrawList();
  ImGui::PushFont(ctx.body());
  list->AddText(p, ImGui::GetColorU32(ImGuiCol_Text), text_fit_lines("A vs B", left + side, 1).c_str());
  ImGui::PopFont();
  const ImVec2 m0{std::floor(p.x + left), std::floor(p.y + top)}, m1{m0.x + side, m0.y + side};
  if (!ctx.painter.diff(list, {a, b, head, ctx.state.view.theme(), shown.overlay}, m0, m1)) {
    heatmap_building_draw(list, m0, m1, ctx.theme(), shown.building);
    if (!shown.error.empty())
      list->AddText({m0.x + 6.f, m0.y + 6.f}, to_imu32(ctx.theme().text), ("image not built: " + shown.error).c_str());
  }
  if (auto focus = ctx.state.focus(); focus && focus->q < a->n() && focus->k < a->n()) {
    const float cell = side / a->n();
    const ImVec2 c{m0.x + focus->k * cell, m0.y + focus->q * cell};
    list->AddRect({c.x - 1, c.y - 1}, {c.x + cell + 1, c.y + cell + 1}, to_imu32(ctx.theme().highlight), 0.f, 0, 2.f);
  }
  ImGui::InvisibleButton("##diff", {left + side, top + side});
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (ImGui::IsItemHovered() && mouse.x >= m0.x && mouse.y >= m0.y && mouse.x < m1.x && mouse.y < m1.y) {
    const Cell cell{head, static_cast<int>((mouse.y - m0.y) / side * a->n()), static_cast<int>((mouse.x - m0.x) / side * a->n())};
    ctx.hover_next = cell;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left))
      ctx.queue.push(action::Pin{ctx.state.pinned == cell ? std::nullopt : std::optional<Cell>(cell)});
  }
}

std::string cell_status(const Analysis& a, const Cell& c) {
  if (a.leaks_at(c.head, c.q, c.k)) return "LEAK";
  return a.allowed(c.head, c.q, c.k) ? "allowed" : "masked";
}

// The focused cell under every compared variant, on one wrapped line.
void compare_inspector(ViewContext& ctx, const std::vector<std::shared_ptr<const Analysis>>& analyses) {
  const auto focus = ctx.state.focus();
  std::string text;
  if (!focus) {
    text = "Hover a cell to see it under each variant; click to pin it.";
  } else {
    text = fmt::format("head {}: query {} \u2192 key {}", focus->head, digits_grouped(focus->q), digits_grouped(focus->k));
    for (size_t i = 0; i < analyses.size(); ++i)
      if (analyses[i] && focus->head < analyses[i]->heads() && focus->q < analyses[i]->n() && focus->k < analyses[i]->n())
        text += fmt::format("  \u00b7  {} {}: {}", compare_letter(i), ctx.state.view.compare_variants[i], cell_status(*analyses[i], *focus));
  }
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::TextUnformatted(text_fit_lines(text, width, 2).c_str());
}

}  // namespace

void view_compare(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const auto& variants = state.view.compare_variants;
  std::vector<std::shared_ptr<const Analysis>> analyses;
  for (const auto& v : variants) analyses.push_back(cached(ctx, v));
  const int heads = state.scene.heads;
  const int chosen = state.view.compare_head >= 0 ? state.view.compare_head : state.focus() ? state.focus()->head : heads - 1;
  const int head = std::clamp(chosen, 0, heads - 1);

  ImGui::PushFont(ctx.body());
  choosers(ctx, head);
  if (!ctx.classroom()) metrics_table(ctx, analyses);
  ImGui::PopFont();
  const bool diff = analyses.size() >= 2 && analyses[0] && analyses[1] && head < analyses[0]->heads() &&
                    head < analyses[1]->heads();
  // A small scene's counts are found here; a large one's come with its overlay from a job. On a
  // projector the overlay and its counts are not shown.
  const bool diff_shown = diff && !ctx.projector();
  OverlayShown overlay;
  DiffCounts counted;
  const DiffCounts* counts = nullptr;
  if (diff_shown && heatmap_image_in_frame(*analyses[0])) {
    counted = diff_counts(analyses[0]->mask(head), analyses[1]->mask(head));
    counts = &counted;
  } else if (diff_shown) {
    overlay = overlay_shown(ctx, analyses[0], analyses[1], head);
    if (overlay.overlay) counts = &overlay.overlay->counts;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // One row: every variant's matrix (the chosen head), then A and B in one image. On a projector
  // one comparison at a time: A and B side by side, large enough to read from the room.
  const size_t shown = ctx.projector() ? std::min<size_t>(2, variants.size()) : variants.size();
  // The matrices show weights; the legend gives their scale, or names the allowed cells of a
  // variant whose weights are not computed, as the heatmaps' legend does.
  std::vector<CellsDrawn> drawn;
  for (size_t i = 0; i < shown; ++i)
    if (analyses[i] && head < analyses[i]->heads())
      drawn.push_back(heatmap_drawn(state, *analyses[i], head, StepCells::Weights, false));
  const float legend_h = heatmap_legend_height(ctx, StepCells::Weights, drawn, avail.x) +
                         (diff_shown ? diff_legend_height(ctx, counts, avail.x) : 0.f);
  const float inspector_h = 2.f * line + ImGui::GetStyle().ItemSpacing.y;
  const int n = state.analysis ? state.analysis->n() : state.scene.n;
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx, n), gap = ctx.body()->FontSize * 0.8f;
  const int cols = static_cast<int>(shown) + (diff_shown ? 1 : 0);
  const float side = std::floor(std::max(16.f, std::min((avail.x - cols * left - (cols - 1) * gap) / cols,
                                                        avail.y - legend_h - inspector_h - top - gap)));
  heatmap_legend(ctx, StepCells::Weights, drawn, avail.x);
  if (diff_shown) diff_legend(ctx, counts, avail.x);
  for (size_t i = 0; i < shown; ++i) {
    if (i) ImGui::SameLine(0.f, gap);
    ImGui::BeginGroup();
    const std::string title = fmt::format("{} {}", compare_letter(i), variants[i]);
    if (analyses[i] && head < analyses[i]->heads()) {
      // One colour scale for every variant (the scene's own), so a colour means the same weight.
      heatmap_widget(ctx, {analyses[i], head, side, state.weight_scale.vmax, false, false, StepCells::Weights,
                           text_fit_lines(title, left + side, 1)});
    } else {
      ImGui::TextDisabled("%s", text_fit_lines(title + ": analysing...", left + side, 1).c_str());
      ImGui::Dummy({left + side, top + side - line});
    }
    ImGui::EndGroup();
  }
  if (diff_shown) {
    ImGui::SameLine(0.f, gap);
    diff_widget(ctx, analyses[0], analyses[1], head, side, overlay);
  }
  compare_inspector(ctx, analyses);
}

}  // namespace attnscope
