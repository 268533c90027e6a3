// The Lab panel (key T): a tiny decoder-only model trained under the scene's pattern on a worker
// (core/analysis/lab.hpp says what it measures). It draws what arrives: the loss curves, live,
// against ln V; each position's final loss as a coloured row with the positions that can reach
// their own target marked; the table; and the button that makes the learned q, k, v the scene's.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "app/gui/text_fit.hpp"
#include "app/gui/view_context.hpp"
#include "core/base/digits.hpp"

namespace attnscope {

namespace {

// As in the exported figure (core/figure/view_lab.cpp).
const Rgb8 kTrainColor = category_color(4);  // blue
const Rgb8 kEvalColor = category_color(5);   // vermillion

const Job* lab_job(const AppState& state) {
  for (const Job& job : state.jobs)
    if (job.kind == JobKind::Lab) return &job;
  return nullptr;
}

// ln V of the panel's settings while training (the text task's vocabulary is known only at the
// end: no floor line until then), else of the result.
double floor_shown(const LabPanel& lab) {
  if (lab.result) return lab.result->ln_vocab();
  return lab.settings.task == "text" ? 0.0 : std::log(static_cast<double>(lab.settings.vocab));
}

void settings_fields(ViewContext& ctx, bool running) {
  LabSettings s = ctx.state.lab.settings;
  bool changed = false;
  ImGui::BeginDisabled(running);
  const int columns = ImGui::GetContentRegionAvail().x > 34.f * ImGui::GetFontSize() ? 4 : 2;
  if (ImGui::BeginTable("lab settings", columns, ImGuiTableFlags_SizingStretchSame)) {
    auto cell = [&](const char* label) {
      ImGui::TableNextColumn();
      const float label_w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().ItemInnerSpacing.x;
      ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x - label_w, 3.f * ImGui::GetFontSize()));
    };
    auto integer = [&](const char* label, int& value) {
      cell(label);
      changed |= ImGui::InputInt(label, &value, 0, 0);
    };
    cell("task");
    if (ImGui::BeginCombo("task", s.task.c_str())) {
      for (const std::string& name : lab_task_names())
        if (ImGui::Selectable(name.c_str(), name == s.task)) s.task = name, changed = true;
      ImGui::EndCombo();
    }
    if (ctx.state.scene.stack.empty()) {
      integer("layers", s.layers);
    } else {
      // A stack names the layer count: one model layer per stack layer.
      LabSettings from_stack = s;
      lab_layers_from_stack(ctx.state.scene, from_stack);
      ImGui::BeginDisabled();
      integer("layers", from_stack.layers);
      ImGui::EndDisabled();
    }
    integer("steps", s.steps);
    integer("batch", s.batch);
    integer("d_model", s.d_model);
    cell("lr");
    changed |= ImGui::InputDouble("lr", &s.lr, 0, 0, "%g");
    integer("vocab", s.vocab);
    int seed = static_cast<int>(s.seed);
    integer("seed", seed);
    s.seed = static_cast<uint64_t>(std::max(seed, 0));
    ImGui::EndTable();
  }
  ImGui::EndDisabled();
  if (changed) ctx.queue.push(action::SetLabSettings{s});
}

void train_row(ViewContext& ctx, const Job* job) {
  const LabPanel& lab = ctx.state.lab;
  if (job) {
    if (ImGui::Button("Cancel")) ctx.queue.push(action::CancelJobs{});
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("stop the training (Esc); nothing is kept");
    ImGui::SameLine();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - lab.started).count();
    const int done = static_cast<int>(std::lround(job->control->done * lab.settings.steps));
    const std::string label = fmt::format("step {} of {} \u00b7 {:.0f} steps/s", digits_grouped(done),
                                          digits_grouped(lab.settings.steps), done / std::max(seconds, 1e-3));
    ImGui::ProgressBar(job->control->done, {-1.f, 0.f}, label.c_str());
    ctx.report.job_bars.push_back({"lab", job->control->done});
    return;
  }
  if (ImGui::Button("Train")) ctx.queue.push(action::LabTrain{});
  ImGui::SameLine();
  if (lab.result)
    ImGui::TextDisabled("%s", text_fit_lines(fmt::format("{} steps in {:.1f} s ({:.0f} steps/s) under {}", digits_grouped(lab.result->steps),
                                                         lab.result->seconds, lab.result->steps_per_second(),
                                                         lab.trained.variant),
                                             ImGui::GetContentRegionAvail().x, 1)
                                  .c_str());
  else
    ImGui::TextDisabled("%s", text_fit_lines(fmt::format("under {} at N = {}, H = {}; Esc cancels", ctx.state.scene.variant,
                                                         digits_grouped(ctx.state.scene.n), ctx.state.scene.heads),
                                             ImGui::GetContentRegionAvail().x, 1)
                                  .c_str());
}

void dashed_line(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 color, float thickness) {
  const float dash = 6.f, gap = 4.f, length = b.x - a.x;
  for (float x = 0.f; x < length; x += dash + gap)
    draw->AddLine({a.x + x, a.y}, {a.x + std::min(x + dash, length), b.y}, color, thickness);
}

void swatch(ImU32 color, const char* label, bool dashed = false) {
  const float h = ImGui::GetTextLineHeight(), w = h * 1.4f;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (dashed) dashed_line(draw, {at.x, at.y + h / 2}, {at.x + w, at.y + h / 2}, color, 2.f);
  else draw->AddLine({at.x, at.y + h / 2}, {at.x + w, at.y + h / 2}, color, 3.f);
  ImGui::Dummy({w, h});
  ImGui::SameLine(0.f, 4.f);
  ImGui::TextUnformatted(label);
}

// The mean loss over the steps so far: training mask and full causal, ln V dashed, axes with ticks.
void curves_plot(ViewContext& ctx, float height) {
  const LabPanel& lab = ctx.state.lab;
  const Theme& theme = ctx.theme();
  const double ln_v = floor_shown(lab);
  const std::string variant = lab.result ? lab.trained.variant : ctx.state.scene.variant;
  swatch(to_imu32(kTrainColor), fmt::format("training mask ({})", variant).c_str());
  ImGui::SameLine(0.f, ImGui::GetFontSize());
  swatch(to_imu32(kEvalColor), "full causal (inference)");
  if (ln_v > 0) {
    ImGui::SameLine(0.f, ImGui::GetFontSize());
    swatch(to_imu32(theme.text), fmt::format("ln V = {:.2f}", ln_v).c_str(), true);
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  const float line = ImGui::GetTextLineHeight();
  const float left = ImGui::CalcTextSize("00.0").x + line * 0.6f, bottom = line * 2.6f, top_pad = line * 0.5f;
  const float right = ImGui::CalcTextSize("0000").x * 0.5f;  // the last step label is centred on the edge
  const ImVec2 p0{origin.x + left, origin.y + top_pad}, p1{origin.x + width - right, origin.y + height - bottom};
  ImGui::Dummy({width, height});
  ctx.report.panels.push_back({"lab curves", {p0.x, p0.y, p1.x, p1.y}});
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const double steps = std::max(1, lab.result ? lab.result->steps : lab.settings.steps);
  const double top = lab_loss_axis_top(lab.points, {}, std::max(ln_v, 1.0));
  auto x_of = [&](double step) { return p0.x + static_cast<float>(step / steps) * (p1.x - p0.x); };
  auto y_of = [&](double loss) { return p1.y - static_cast<float>(std::clamp(loss, 0.0, top) / top) * (p1.y - p0.y); };
  const ImU32 grid = to_imu32(theme.masked, 120), axis = to_imu32(theme.axis), text = to_imu32(theme.text);
  const double y_step = axis_tick_step(top, 5);
  for (double v = 0; v <= top + 1e-9; v += y_step) {
    draw->AddLine({p0.x, y_of(v)}, {p1.x, y_of(v)}, grid);
    const std::string label = axis_tick_text(v);
    draw->AddText({p0.x - ImGui::CalcTextSize(label.c_str()).x - line * 0.3f, y_of(v) - line / 2}, text, label.c_str());
  }
  const double x_step = axis_tick_step(steps, 4);
  for (double v = 0; v <= steps + 1e-9; v += x_step) {
    const std::string label = axis_tick_text(v);
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    draw->AddLine({x_of(v), p1.y}, {x_of(v), p1.y + line * 0.25f}, axis);
    draw->AddText({x_of(v) - w / 2, p1.y + line * 0.25f}, text, label.c_str());
  }
  const char* x_label = "step";
  draw->AddText({(p0.x + p1.x - ImGui::CalcTextSize(x_label).x) / 2, p1.y + line * 1.35f}, axis, x_label);
  draw->AddText({p0.x + line * 0.3f, p0.y}, axis, "loss (nats)");
  draw->AddRect(p0, p1, axis);
  if (ln_v > 0) {
    dashed_line(draw, {p0.x, y_of(ln_v)}, {p1.x, y_of(ln_v)}, text, 1.5f);
    ctx.report.panels.push_back({"lab floor", {p0.x, y_of(ln_v), p1.x, y_of(ln_v)}});
  }
  // The training curve last: where the two agree (a model that learned nothing it could not), it
  // is the one on top.
  for (const auto& [color, eval] : {std::pair{kEvalColor, true}, std::pair{kTrainColor, false}}) {
    std::vector<ImVec2> points;
    for (const LabCurvePoint& c : lab.points) points.push_back({x_of(c.step), y_of(eval ? c.eval_loss : c.train_loss)});
    if (points.size() == 1) draw->AddCircleFilled(points.front(), 3.f, to_imu32(color));
    draw->AddPolyline(points.data(), static_cast<int>(points.size()), to_imu32(color), 0, 2.5f);
  }
  if (lab.points.empty())
    draw->AddText({p0.x + line, (p0.y + p1.y) / 2 - line / 2}, to_imu32(theme.axis),
                  ctx.state.jobs_running(JobKind::Lab) ? "the first point comes after step 1 ..."
                                                       : "Train draws the loss here as it falls (or does not)");
}

}  // namespace

void lab_loss_legend(ViewContext& ctx, double ln_v) {
  const float h = ImGui::GetTextLineHeight(), w = h * 6.f;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const int parts = 24;
  for (int i = 0; i < parts; ++i) {
    const float x0 = at.x + w * i / parts, x1 = at.x + w * (i + 1) / parts;
    const double loss = 2.0 * ln_v * (i + 0.5) / parts;
    draw->AddRectFilled({x0, at.y + 2}, {x1, at.y + h - 2}, to_imu32(diverging_sample(static_cast<float>(-lab_floor_position(loss, ln_v)))));
  }
  draw->AddRect({at.x, at.y + 2}, {at.x + w, at.y + h - 2}, to_imu32(ctx.theme().axis));
  ImGui::Dummy({w, h});
  ImGui::SameLine(0.f, 4.f);
  text_wrapped("loss 0 \u2192 ln V \u2192 2 ln V: red reads its target, white is ln V, blue is worse than guessing");
}

float lab_loss_rows_height() { return ImGui::GetTextLineHeightWithSpacing() * 3.f; }

void lab_loss_rows(ViewContext& ctx, const LabResult& r, float x, float width) {
  const Theme& theme = ctx.theme();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight(), row_h = ImGui::GetTextLineHeightWithSpacing();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const int positions = static_cast<int>(r.train_loss_per_position.size());
  const float cell = width / std::max(1, r.n);
  const double ln_v = r.ln_vocab();
  const std::pair<const char*, const std::vector<double>*> rows[] = {{"train", &r.train_loss_per_position},
                                                                      {"causal", &r.eval_full_causal_loss_per_position}};
  for (int row = 0; row < 2; ++row) {
    const float y = at.y + row * row_h;
    const char* label = rows[row].first;
    for (int p = 0; p < positions; ++p) {
      const ImVec2 c0{x + p * cell, y + 1}, c1{x + (p + 1) * cell, y + row_h - 1};
      const double loss = (*rows[row].second)[p];
      draw->AddRectFilled(c0, c1, to_imu32(diverging_sample(static_cast<float>(-lab_floor_position(loss, ln_v)))));
      // The loss written in the cell where it fits.
      const std::string text = fmt::format("{:.1f}", loss);
      if (ImGui::CalcTextSize(text.c_str()).x + 4.f < cell)
        draw->AddText({(c0.x + c1.x - ImGui::CalcTextSize(text.c_str()).x) / 2, y + (row_h - line) / 2},
                      text_on(diverging_sample(static_cast<float>(-lab_floor_position(loss, ln_v)))), text.c_str());
    }
    draw->AddRect({x, y + 1}, {x + positions * cell, y + row_h - 1}, to_imu32(theme.axis));
    draw->AddText({x + positions * cell + line * 0.3f, y + (row_h - line) / 2}, to_imu32(theme.text), label);
  }
  // Under the rows, a leak-red bar at each position whose target can reach it through the mask.
  const float mark_y = at.y + 2 * row_h + 1;
  for (int p : r.reachable_target_positions)
    if (p < positions) draw->AddRectFilled({x + p * cell + 1, mark_y}, {x + (p + 1) * cell - 1, mark_y + 4.f}, to_imu32(theme.leak));
  const std::string note = fmt::format("red bar: position can read token p+1 after {} layer{}", r.layers, r.layers == 1 ? "" : "s");
  const float note_w = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x - x;
  draw->AddText({x, mark_y + 5.f}, to_imu32(theme.axis), text_fit_lines(note, std::max(note_w, 60.f), 1).c_str());
  ImGui::Dummy({positions * cell, lab_loss_rows_height()});
}

void view_lab(ViewContext& ctx) {
  const AppState& state = ctx.state;
  const LabPanel& lab = state.lab;
  const Job* job = lab_job(state);
  ImGui::PushFont(ctx.caption());
  ImGui::TextUnformatted("Lab: does a model learn to use the leak?");
  ImGui::PopFont();
  text_wrapped(
      "A tiny decoder-only transformer trains under the scene's pattern. On random tokens nothing is predictable: "
      "the honest loss is ln V, and a loss below it means the model reads its target through the mask. The same "
      "model under full causal attention, as at inference, then does worse than ln V.");
  settings_fields(ctx, job != nullptr);
  train_row(ctx, job);
  if (!lab.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_imu32(ctx.theme().leak));
    text_wrapped(lab.error);
    ImGui::PopStyleColor();
  }
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float rest = ImGui::GetContentRegionAvail().y;
  const float result_h = lab.result ? lab_loss_rows_height() + line * 3.f : 0.f;
  curves_plot(ctx, std::clamp((rest - result_h) * (lab.result ? 0.55f : 0.9f), 6.f * line, 22.f * line));
  if (!lab.result) return;
  const LabResult& r = *lab.result;
  ImGui::TextUnformatted(text_fit_lines("each position's loss at the end (p predicts token p+1; red: below ln V):",
                                        ImGui::GetContentRegionAvail().x, 1)
                             .c_str());
  // One cell per position across the panel (under a heatmap one per key column, the last empty),
  // the rows' names after them.
  const float label_w = ImGui::CalcTextSize("causal").x + ImGui::GetFontSize() * 0.6f;
  const float width = (ImGui::GetContentRegionAvail().x - label_w) * r.n / std::max(1, r.n - 1);
  lab_loss_rows(ctx, r, ImGui::GetCursorScreenPos().x, width);
  lab_loss_legend(ctx, r.ln_vocab());
  // Open the learned attention: the model's q, k, v of one layer become the scene's.
  if (ImGui::Button("Open the learned attention")) ctx.queue.push(action::OpenLabAttention{});
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("the trained model's q, k, v of the chosen layer become the scene's: every view shows the "
                      "weights it learned");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4.f);
  if (ImGui::BeginCombo("layer", std::to_string(lab.layer).c_str())) {
    for (int l = 0; l < r.layers; ++l)
      if (ImGui::Selectable(std::to_string(l).c_str(), l == lab.layer)) ctx.queue.push(action::SetLabLayer{l});
    ImGui::EndCombo();
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingStretchSame;
  const float table_h = ImGui::GetContentRegionAvail().y;
  if (table_h < line * 2.f || !ImGui::BeginTable("lab positions", 4, flags, {0.f, table_h})) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  for (const char* header : {"position p", "reads p+1", "train loss", "full causal"})
    ImGui::TableSetupColumn(header);
  ImGui::TableHeadersRow();
  const double ln_v = r.ln_vocab();
  for (size_t p = 0; p < r.train_loss_per_position.size(); ++p) {
    const bool reaches = std::count(r.reachable_target_positions.begin(), r.reachable_target_positions.end(),
                                    static_cast<int>(p)) > 0;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::Text("%zu", p);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(reaches ? "yes" : "no");
    ImGui::TableNextColumn();
    const double train = r.train_loss_per_position[p];
    if (lab_below_floor(train, ln_v)) ImGui::TextColored(ImColor(to_imu32(ctx.theme().leak)), "%.3f", train);
    else ImGui::Text("%.3f", train);
    ImGui::TableNextColumn();
    ImGui::Text("%.3f", r.eval_full_causal_loss_per_position[p]);
  }
  ImGui::EndTable();
}

}  // namespace attnscope
