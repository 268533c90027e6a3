// Compare: the same scene (same q, k, v) under 2-4 variants, the difference of the first two,
// and their metrics.
#include <fmt/format.h>

#include <algorithm>

#include "app/gui/apply.hpp"
#include "app/gui/heatmap_widget.hpp"
#include "core/compare.hpp"

namespace attnscope {

namespace {

std::shared_ptr<const Analysis> cached(const ViewContext& ctx, const std::string& variant) {
  return ctx.state.cache.peek(scene_hash(compare_scene(ctx.state.scene, variant)));
}

}  // namespace

void view_compare(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const auto& variants = state.view.compare_variants;
  std::vector<std::shared_ptr<const Analysis>> analyses;
  for (const auto& v : variants) analyses.push_back(cached(ctx, v));

  // Metrics first: the numbers a comparison is about.
  ImGui::PushFont(ctx.body());
  if (ImGui::BeginTable("metrics", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    for (const char* h : {"variant", "allowed", "leaks", "density", "FLOPs vs dense", "causal coverage"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < variants.size(); ++i) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(fmt::format("{} {}", static_cast<char>('A' + i), variants[i]).c_str());
      if (!analyses[i]) {
        ImGui::TableNextColumn();
        const std::string& error = i < state.compare_errors.size() ? state.compare_errors[i] : std::string();
        ImGui::TextDisabled("%s", error.empty() ? "analysing..." : error.c_str());
        continue;
      }
      const Metrics& m = analyses[i]->metrics;
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(m.total_allowed));
      ImGui::TableNextColumn();
      if (m.total_leaks > 0) ImGui::TextColored(ImColor(to_imu32(ctx.theme().leak)), "%lld", static_cast<long long>(m.total_leaks));
      else ImGui::Text("0");
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", m.density);
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", m.flops_vs_dense);
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", m.coverage);
    }
    ImGui::EndTable();
  }
  ImGui::PopFont();

  const int heads = std::min(state.scene.heads, 4);
  const int head = state.focus() ? std::min(state.focus()->head, heads - 1) : heads - 1;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float top = heatmap_widget_top(ctx), left = heatmap_widget_left(ctx), gap = ctx.body()->FontSize * 0.8f;
  const int cols = static_cast<int>(std::max(variants.size(), size_t{3}));
  // One row of variants (the focused head) and one row of differences.
  const float side = std::floor(std::max(16.f, std::min((avail.x - cols * (left + gap)) / cols,
                                                        (avail.y - 2 * (top + gap)) / 2)));
  for (size_t i = 0; i < variants.size(); ++i) {
    if (i) ImGui::SameLine(0.f, gap);
    ImGui::BeginGroup();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (analyses[i]) {
      // One colour scale for every variant (the scene's own), so a colour means the same weight.
      heatmap_widget(ctx, {analyses[i], head, side, state.weight_scale.vmax, false, false, 1.f});
    } else {
      ImGui::Dummy({left + side, top + side});
    }
    ImGui::GetWindowDrawList()->AddText({p.x + left + side * 0.5f, p.y}, ImGui::GetColorU32(ImGuiCol_Text),
                                        fmt::format("{}: {}", static_cast<char>('A' + i), variants[i]).c_str());
    ImGui::EndGroup();
  }
  if (analyses.size() < 2 || !analyses[0] || !analyses[1]) return;
  for (DiffOp op : {DiffOp::AMinusB, DiffOp::BMinusA, DiffOp::Both}) {
    if (op != DiffOp::AMinusB) ImGui::SameLine(0.f, gap);
    ImGui::BeginGroup();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const int64_t count = diff_cells(analyses[0]->mask(head), analyses[1]->mask(head), op).count();
    const std::string label = fmt::format("{}  head {}: {} cells", diff_op_label(op), head, count);
    ImGui::GetWindowDrawList()->AddText(p, ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
    const ImVec2 m0{p.x + left, p.y + top};
    ctx.painter.diff(ImGui::GetWindowDrawList(), {analyses[0], analyses[1], head, op, state.view.theme()}, m0,
                     {m0.x + side, m0.y + side});
    ImGui::Dummy({left + side, top + side});
    ImGui::EndGroup();
  }
}

}  // namespace attnscope
