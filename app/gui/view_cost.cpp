// The cost panel: allowed cells and attention FLOPs per head of every variant at the scene's
// numbers against full and dense, the whole layer around them, and why a leak matters.
#include <fmt/format.h>

#include <algorithm>

#include "app/gui/text_fit.hpp"
#include "app/gui/view_context.hpp"
#include "core/base/digits.hpp"

namespace attnscope {

namespace {


const GlossaryTerm* term_named(const std::string& name) {
  for (const GlossaryTerm& t : glossary())
    if (t.term == name) return &t;
  return nullptr;
}

// A column header whose glossary entry shows on hover.
void header(const char* label, const char* term) {
  ImGui::TableNextColumn();
  ImGui::TableHeader(label);
  if (const GlossaryTerm* t = term ? term_named(term) : nullptr) glossary_tooltip(*t);
}

void variant_cell(ViewContext& ctx, const CostRow& r) {
  ImGui::TableNextColumn();
  if (r.variant == ctx.state.scene.variant) ImGui::TextColored(ImColor(to_imu32(ctx.theme().highlight)), "%s", r.variant.c_str());
  else ImGui::TextUnformatted(r.variant.c_str());
}

// In classroom mode: the table in large type without scrolling (a lecture screen is not scrolled),
// as many rows as fit the panel, a page at a time, with the page's place and buttons to turn it.
// Four columns: the cells and FLOPs a head computes and their share of full attention.
void cost_table_paged(ViewContext& ctx, const CostTable& t) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float row_h = ImGui::GetTextLineHeight() + 2.f * style.CellPadding.y + 1.f;
  const float footer_h = ImGui::GetFrameHeightWithSpacing();
  const int rows = static_cast<int>(t.rows.size());
  const int per_page = std::max(1, static_cast<int>((ImGui::GetContentRegionAvail().y - footer_h - style.ItemSpacing.y) / row_h) - 1);
  const int pages = (rows + per_page - 1) / per_page;
  const int page = std::clamp(ctx.state.view.cost_page, 0, std::max(0, pages - 1));
  if (ImGui::BeginTable("cost", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    header("variant", nullptr);
    header("cells / head", "density");
    header("FLOPs / head", "FLOPs vs full");
    header("vs full", "full");
    for (int i = page * per_page; i < std::min(rows, (page + 1) * per_page); ++i) {
      const CostRow& r = t.rows[i];
      ImGui::TableNextRow();
      variant_cell(ctx, r);
      ImGui::TableNextColumn();
      if (!r.error.empty()) {
        ImGui::TextDisabled("not at this scene");
        continue;
      }
      ImGui::TextUnformatted(cost_number_text(r.cells_per_head).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(cost_number_text(r.flops_per_head).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3f\u00d7", r.vs_full);
    }
    ImGui::EndTable();
  }
  const float bottom = ImGui::GetCursorPosY() + ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeight();
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), bottom));
  ImGui::BeginDisabled(page == 0);
  if (ImGui::Button("< previous")) ctx.queue.push(action::SetCostPage{page - 1});
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::Text("page %d / %d", page + 1, std::max(1, pages));
  ImGui::SameLine();
  ImGui::BeginDisabled(page + 1 >= pages);
  if (ImGui::Button("next >")) ctx.queue.push(action::SetCostPage{page + 1});
  ImGui::EndDisabled();
}

}  // namespace

void glossary_tooltip(const GlossaryTerm& term) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(term.term.c_str());
  ImGui::Separator();
  text_wrapped(term.definition, ImGui::GetFontSize() * 28.f);
  ImGui::EndTooltip();
}

void glossary_terms_line(const std::string& text) { glossary_terms_line(glossary_terms_in(text)); }

void glossary_terms_line(const std::vector<const GlossaryTerm*>& terms) {
  if (terms.empty()) return;
  ImGui::TextDisabled("terms:");
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  for (const GlossaryTerm* t : terms) {
    // Wrap onto the next line rather than run past the panel's edge.
    ImGui::SameLine();
    if (ImGui::GetCursorScreenPos().x + ImGui::CalcTextSize(t->term.c_str()).x > right) ImGui::NewLine();
    // Drawn as links (the button colour, a dotted underline; a hand cursor on hover) so the terms
    // look as hoverable as they are.
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    ImGui::TextUnformatted(t->term.c_str());
    ImGui::PopStyleColor();
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    ImDrawList* list = ImGui::GetWindowDrawList();
    const ImU32 dots = ImGui::GetColorU32(ImGuiCol_ButtonActive);
    for (float x = a.x; x < b.x; x += 4.f) list->AddLine({x, b.y}, {std::min(x + 2.f, b.x), b.y}, dots, 1.f);
    if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
    glossary_tooltip(*t);
  }
}

void view_cost(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const Lesson* lesson = state.lesson.get();
  if (!lesson || !lesson->cost) {
    // A large scene's table comes from a job (every variant's masks at the scene's numbers).
    if (!state.cost_error.empty()) {
      ImGui::Text("The cost was not computed: %s; press O twice to compute it.", state.cost_error.c_str());
      return;
    }
    float done = 0.f;
    for (const Job& job : state.jobs)
      if (job.kind == JobKind::Cost) done = job.control->done;
    ImGui::Text("Computing the cost of every variant at N = %s ... %.0f%%", digits_grouped(state.scene.n).c_str(),
                done * 100.f);
    ImGui::ProgressBar(done, {std::min(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 20.f), 0.f});
    return;
  }
  const CostTable& t = *lesson->cost;
  ImGui::PushFont(ctx.caption());
  ImGui::TextUnformatted(counts_grouped(fmt::format("What attention costs per head at N = {}", t.n)).c_str());
  ImGui::PopFont();
  text_wrapped(counts_grouped(fmt::format("full = N(N+1)/2 = {} cells; dense = N\u00b2 = {} cells; attention costs "
                                           "4\u00b7D = {} FLOPs per allowed cell (q\u00b7k and weight\u00b7v).",
                                           t.full_cells, t.dense_cells, 4 * t.d)));
  if (ctx.classroom()) {
    cost_table_paged(ctx, t);
    return;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_SizingFixedFit;
  const float table_h = ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 5.f;
  if (ImGui::BeginTable("cost", 6, flags, {0.f, std::max(table_h, 80.f)})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    header("variant", nullptr);
    header("cells / head", "density");
    header("FLOPs / head", "FLOPs vs full");
    header("vs full", "full");
    header("vs dense", "dense");
    header("formula", nullptr);
    for (const CostRow& r : t.rows) {
      ImGui::TableNextRow();
      variant_cell(ctx, r);
      if (!r.error.empty()) {
        ImGui::TableNextColumn();
        ImGui::TextDisabled("not at this scene");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.error.c_str());
        continue;
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(cost_number_text(r.cells_per_head).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(cost_number_text(r.flops_per_head).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3f\u00d7", r.vs_full);
      ImGui::TableNextColumn();
      ImGui::Text("%.3f\u00d7", r.vs_dense);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(counts_grouped(r.formula).c_str());
    }
    ImGui::EndTable();
  }
  const LayerCost& l = lesson->layer;
  text_wrapped(counts_grouped(
      fmt::format("Not saved: one LLaMA-2 7B layer at N = {} spends {} FLOPs on the q, k, v, o projections and {} on "
                  "the MLP whatever the pattern; attention {} ({} with full). Whole layer: {} instead of {} ({:.1f}% "
                  "saved).",
                  t.n, cost_number_text(l.projections), cost_number_text(l.mlp), cost_number_text(l.attention),
                  cost_number_text(l.attention_full), cost_number_text(l.total()), cost_number_text(l.total_full()),
                  100 * (1 - l.total() / l.total_full()))));
  text_wrapped("Why a leak matters: " + lesson_next_token_text(*lesson) + ".");
  if (ImGui::SmallButton("measure it in the Lab (T)")) ctx.queue.push(action::SetLab{true});
}

}  // namespace attnscope
